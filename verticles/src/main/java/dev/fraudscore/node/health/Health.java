package dev.fraudscore.node.health;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The latest result of each readiness check, shared by the checker and the HTTP edge. */
public final class Health {
    private final Set<String> checks;
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final Set<String> checked = ConcurrentHashMap.newKeySet();

    /** {@code checks}: the names of the checks that must all pass for the node to be ready. */
    public Health(Set<String> checks) {
        this.checks = Set.copyOf(checks);
    }

    void report(String check, String failureOrNull) {
        checked.add(check);
        if (failureOrNull == null) {
            failures.remove(check);
        } else {
            failures.put(check, failureOrNull);
        }
    }

    /** Ready once every check has run at least once and none is failing. */
    public boolean ready() {
        return checked.containsAll(checks) && failures.isEmpty();
    }

    public Map<String, String> failures() {
        return Map.copyOf(failures);
    }
}
