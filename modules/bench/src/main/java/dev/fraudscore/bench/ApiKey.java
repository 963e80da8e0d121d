package dev.fraudscore.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API key the project's clients send ({@code Authorization: Bearer <key>}): {@code FRAUD_API_KEY} if set, else
 * the key of the role the path needs ({@code label} for {@code /v1/labels}, {@code decide} otherwise) from the keys
 * directory a node wrote ({@code var/keys} by default; {@code --keys DIR} or a drill's own node's directory);
 * {@code replay} instead of {@code decide} for a history replay ({@link #useReplay}).
 */
public final class ApiKey {
    private static volatile Path dir = Path.of("var", "keys");
    private static final Map<Path, String> CACHE = new ConcurrentHashMap<>();

    private ApiKey() {}

    private static volatile boolean replay;
    private static volatile boolean warned;

    /**
     * From now on authorize-checks send the {@code replay} key (roles decide and replay), so that the node counts
     * historical transactions at their own event times; the {@code decide} key when the directory has none (then
     * transactions dated far from now are counted at the receive time, and a warning says so).
     */
    public static void useReplay() {
        replay = true;
    }

    /** Reads keys from {@code keysDir} from now on. */
    public static void useDir(Path keysDir) {
        dir = keysDir;
    }

    /** The key for a request to {@code path}, or null when there is none. */
    static String forPath(String path) {
        String env = System.getenv("FRAUD_API_KEY");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        if (path.startsWith("/v1/labels")) {
            return fromDir(dir, "label");
        }
        if (replay) {
            String key = fromDir(dir, "replay");
            if (key != null) {
                return key;
            }
            if (!warned) {
                warned = true;
                System.err.println("no replay.key in " + dir + ": event times further than security.maxEventTimeSkewMs"
                        + " from now are counted at the receive time (ops/keys.sh create --roles decide,replay)");
            }
        }
        return fromDir(dir, "decide");
    }

    /** The key for {@code role} in {@code keysDir}, or null when there is none (read once, then remembered). */
    static String fromDir(Path keysDir, String role) {
        Path file = keysDir.resolve(role + ".key");
        String cached = CACHE.get(file);
        if (cached != null) {
            return cached;
        }
        try {
            if (!Files.exists(file)) {
                return null;
            }
            String key = Files.readString(file).trim();
            CACHE.put(file, key);
            return key;
        } catch (IOException e) {
            return null;
        }
    }
}
