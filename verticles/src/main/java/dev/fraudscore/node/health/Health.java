package dev.fraudscore.node.health;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest result of each health check, shared by the checker and the HTTP edge. The node is ready when every
 * check it needs in order to decide has run and passes; the other checks (dependencies a decision does not need)
 * are reported, never a reason to take the node out of the load balancer. Details are fixed words, never an
 * exception text: an answer must not name internal hosts or credentials.
 */
public final class Health {
    private record Result(boolean up, String detail) {}

    private final Set<String> required;
    private final Set<String> reported;
    private final Map<String, Result> results = new ConcurrentHashMap<>();

    /** {@code required}: the checks readiness needs; {@code reported}: the others. */
    public Health(Set<String> required, Set<String> reported) {
        this.required = Set.copyOf(required);
        this.reported = Set.copyOf(reported);
    }

    void report(String check, boolean up, String detail) {
        results.put(check, new Result(up, detail));
    }

    /** Ready once every required check has run and passes. */
    public boolean ready() {
        for (String check : required) {
            Result r = results.get(check);
            if (r == null || !r.up()) {
                return false;
            }
        }
        return true;
    }

    /** 1 when the check passes, 0 when it fails or has not run yet. */
    public double up(String check) {
        Result r = results.get(check);
        return r != null && r.up() ? 1 : 0;
    }

    public Set<String> checks() {
        return union();
    }

    private Set<String> union() {
        Set<String> all = new TreeSet<>(required);
        all.addAll(reported);
        return all;
    }

    /** {@code {"status": "UP"|"DOWN", "checks": {name: {"status", "detail", "requiredForReadiness"}}}}. */
    public JsonObject json() {
        JsonObject checks = new JsonObject();
        Map<String, Result> sorted = new TreeMap<>(results);
        for (String name : union()) {
            Result r = sorted.get(name);
            checks.put(
                    name,
                    new JsonObject()
                            .put("status", r == null ? "UNKNOWN" : r.up() ? "UP" : "DOWN")
                            .put("detail", r == null ? "not checked yet" : r.detail())
                            .put("requiredForReadiness", required.contains(name)));
        }
        return new JsonObject().put("status", ready() ? "UP" : "DOWN").put("checks", checks);
    }
}
