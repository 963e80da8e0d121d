package dev.fraudscore.node.health;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The latest result of each readiness check, shared by the checker and the HTTP edge. */
public final class Health {
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final Map<String, Boolean> checked = new ConcurrentHashMap<>();

    void report(String check, String failureOrNull) {
        checked.put(check, Boolean.TRUE);
        if (failureOrNull == null) {
            failures.remove(check);
        } else {
            failures.put(check, failureOrNull);
        }
    }

    /** Ready once every check has run at least once and none is failing. */
    public boolean ready(int checks) {
        return checked.size() >= checks && failures.isEmpty();
    }

    public Map<String, String> failures() {
        return Map.copyOf(failures);
    }
}
