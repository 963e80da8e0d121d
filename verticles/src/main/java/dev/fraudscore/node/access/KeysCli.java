package dev.fraudscore.node.access;

import dev.fraudscore.domain.TransactionValidator;
import dev.fraudscore.node.Migrations;
import dev.fraudscore.node.access.ApiKeys.Role;
import dev.fraudscore.node.config.NodeConfig;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.Locale;

/**
 * Creates, lists and revokes API keys in the node's PostgreSQL ({@code --postgres URL}, else {@code postgres.url}
 * from the same configuration a node reads: {@code --config FILE} and {@code FRAUD_*}; the embedded development
 * server when none is set). A new
 * key is printed once and stored only as its hash; a revocation reaches every node within {@code
 * security.refreshMs}.
 *
 * <pre>
 * ops/keys.sh create --client acquirer-eu --roles decide,label --rate 200 --burst 400
 * ops/keys.sh list
 * ops/keys.sh revoke 7
 * </pre>
 */
public final class KeysCli {
    private KeysCli() {}

    public static void main(String[] args) throws Exception {
        Path configFile = null;
        String command = args.length > 0 ? args[0] : "help";
        String client = null;
        String roles = null;
        String id = null;
        String postgresUrl = null;
        String rate = null;
        String burst = null;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> configFile = Path.of(args[++i]);
                case "--client" -> client = args[++i];
                case "--roles" -> roles = args[++i];
                case "--postgres" -> postgresUrl = args[++i];
                case "--rate" -> rate = args[++i];
                case "--burst" -> burst = args[++i];
                default -> id = args[i];
            }
        }
        NodeConfig config = NodeConfig.load(configFile, System.getenv());
        String url = postgresUrl != null
                ? postgresUrl
                : config.postgres().embedded()
                        ? "postgresql://postgres@127.0.0.1:" + config.postgres().embeddedPort() + "/postgres"
                        : config.postgres().ownerUrl(); // revoking updates a key: the owner's right
        Migrations.migrate(url); // a key may be created before any node ran
        try (Connection c = connect(url)) {
            switch (command) {
                case "create" -> create(c, client, roles, rate, burst);
                case "list" -> list(c);
                case "revoke" -> revoke(c, id);
                default -> {
                    System.err.println(
                            "usage: ops/keys.sh create --client NAME --roles decide,label,analyst,admin,replay"
                                    + " [--rate PER_SECOND --burst N] | list | revoke ID");
                    System.exit(2);
                }
            }
        }
    }

    /** {@code rate}, {@code burst}: the key's request rate limit on each node (none when null). */
    private static void create(Connection c, String client, String roles, String rate, String burst) throws Exception {
        if (client == null
                || roles == null
                || !TransactionValidator.CLIENT.matcher(client).matches()) {
            throw new IllegalArgumentException("create needs --client (1-64 of A-Z a-z 0-9 . _ : @ -) and --roles");
        }
        String[] wire = Arrays.stream(roles.split(","))
                .map(r -> Role.of(r).wire())
                .distinct()
                .toArray(String[]::new);
        String key = ApiKeys.newKey();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO access.api_keys (client, roles, key_hash,"
                + " key_prefix, rate_per_second, burst) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")) {
            s.setString(1, client);
            s.setArray(2, c.createArrayOf("text", wire));
            s.setString(3, ApiKeys.hash(key));
            s.setString(4, ApiKeys.prefix(key));
            s.setObject(5, rate == null ? null : Double.valueOf(rate), java.sql.Types.DOUBLE);
            s.setObject(6, burst == null ? null : Integer.valueOf(burst), java.sql.Types.INTEGER);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                System.out.printf(
                        "key %d for %s, roles %s (shown once; only its hash is kept):%n%s%n",
                        r.getLong(1), client, String.join(",", wire), key);
            }
        }
    }

    private static void list(Connection c) throws Exception {
        try (PreparedStatement s = c.prepareStatement("SELECT id, client, roles, key_prefix, created_at, revoked_at"
                        + " FROM access.api_keys ORDER BY id");
                ResultSet r = s.executeQuery()) {
            System.out.printf(
                    "%-5s %-24s %-28s %-14s %-26s %s%n", "id", "client", "roles", "key", "created", "revoked");
            while (r.next()) {
                Array roles = r.getArray(3);
                System.out.printf(
                        Locale.ROOT,
                        "%-5d %-24s %-28s %-14s %-26s %s%n",
                        r.getLong(1),
                        r.getString(2),
                        String.join(",", (String[]) roles.getArray()),
                        r.getString(4) + "...",
                        r.getTimestamp(5).toInstant(),
                        r.getTimestamp(6) == null ? "-" : r.getTimestamp(6).toInstant());
            }
        }
    }

    private static void revoke(Connection c, String id) throws Exception {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE access.api_keys SET revoked_at = now() WHERE id = ? AND revoked_at IS NULL")) {
            s.setLong(1, Long.parseLong(id));
            int n = s.executeUpdate();
            System.out.println(
                    n == 1
                            ? "key " + id + " revoked; every node refuses it within security.refreshMs"
                            : "no key " + id + " in force");
            if (n != 1) {
                System.exit(1);
            }
        }
    }

    static Connection connect(String uri) throws Exception {
        return Migrations.Jdbc.of(uri).connect();
    }
}
