package dev.fraudscore.node.support;

import dev.fraudscore.node.access.KeysCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** The command behind {@code ops/keys.sh}, run in the test's JVM against a node's PostgreSQL, its output captured. */
public final class KeysCommand {
    private KeysCommand() {}

    /** Runs {@code ops/keys.sh args..} against {@code postgresUrl}; answers what it printed. */
    public static synchronized String run(String postgresUrl, String... args) throws Exception {
        PrintStream out = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            String[] all = new String[args.length + 2];
            System.arraycopy(args, 0, all, 0, args.length);
            all[args.length] = "--postgres";
            all[args.length + 1] = postgresUrl;
            KeysCli.main(all);
        } finally {
            System.setOut(out);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /** Creates a key for {@code client} with {@code roles} (comma-separated); answers the key. */
    public static String create(String postgresUrl, String client, String roles) throws Exception {
        return run(postgresUrl, "create", "--client", client, "--roles", roles)
                .lines()
                .filter(l -> l.startsWith("fsk_"))
                .findFirst()
                .orElseThrow();
    }
}
