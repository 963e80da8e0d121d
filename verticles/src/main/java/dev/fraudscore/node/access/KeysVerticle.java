package dev.fraudscore.node.access;

import dev.fraudscore.node.PgPools;
import dev.fraudscore.node.access.ApiKeys.Client;
import dev.fraudscore.node.access.ApiKeys.Role;
import dev.fraudscore.node.config.NodeConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the node's {@link ApiKeys} current: loads the keys that are not revoked from {@code access.api_keys} at
 * start and every {@code security.refreshMs}; while PostgreSQL does not answer, the last keys loaded stay in force
 * (a decision needs no database). On a first start against an empty key table (and {@code security.bootstrapKeys}),
 * creates one key per role, under a lock so that nodes starting together create them once, and writes each to
 * {@code <keysDir>/<role>.key} readable by the owner only.
 */
public final class KeysVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(KeysVerticle.class);
    private static final long BOOTSTRAP_LOCK = 0x66726175644b6579L;
    private static final String LOAD =
            "SELECT id, client, roles, key_hash, rate_per_second, burst FROM access.api_keys WHERE revoked_at IS NULL";
    private static final String INSERT =
            "INSERT INTO access.api_keys (client, roles, key_hash, key_prefix) VALUES ($1, $2, $3, $4)";

    private final NodeConfig.Security config;
    private final NodeConfig.Postgres postgres;
    private final ApiKeys keys;
    private Pool pool;
    private boolean failing;

    public KeysVerticle(NodeConfig.Security config, NodeConfig.Postgres postgres, ApiKeys keys) {
        this.config = config;
        this.postgres = postgres;
        this.keys = keys;
    }

    @Override
    public Future<?> start() {
        pool = PgPools.create(vertx, postgres, 1);
        Future<Void> ready = config.bootstrapKeys() ? bootstrap() : Future.succeededFuture();
        return ready.compose(v -> load()).onSuccess(v -> vertx.setPeriodic(config.refreshMs(), id -> load()));
    }

    @Override
    public Future<?> stop() {
        return pool.close();
    }

    private Future<Void> load() {
        return pool.query(LOAD)
                .execute()
                .map(rows -> {
                    Map<String, Client> snapshot = new HashMap<>();
                    for (Row r : rows) {
                        Set<Role> roles = EnumSet.noneOf(Role.class);
                        for (String role : r.getArrayOfStrings("roles")) {
                            roles.add(Role.of(role));
                        }
                        Double rate = r.getDouble("rate_per_second");
                        Integer burst = r.getInteger("burst");
                        int bucket = burst != null ? burst : rate == null ? 0 : (int) Math.max(1, Math.ceil(rate));
                        snapshot.put(
                                r.getString("key_hash"),
                                new Client(
                                        r.getLong("id"),
                                        r.getString("client"),
                                        roles,
                                        rate == null ? 0 : rate,
                                        bucket));
                    }
                    keys.replace(snapshot);
                    if (failing) {
                        LOG.info("API keys reloaded again ({} in force)", snapshot.size());
                        failing = false;
                    }
                    return (Void) null;
                })
                .onFailure(e -> {
                    if (!failing) {
                        LOG.warn(
                                "API keys not reloaded ({}); the {} loaded last stay in force",
                                e.toString(),
                                keys.size());
                        failing = true;
                    }
                });
    }

    /** One key per role when there is none at all; written to the keys directory. */
    private Future<Void> bootstrap() {
        Map<Role, String> created = new LinkedHashMap<>();
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_advisory_xact_lock($1)")
                        .execute(Tuple.of(BOOTSTRAP_LOCK))
                        .compose(v -> conn.query("SELECT count(*) FROM access.api_keys")
                                .execute())
                        .compose(count -> {
                            if (count.iterator().next().getLong(0) > 0) {
                                return Future.succeededFuture();
                            }
                            Future<Void> all = Future.succeededFuture();
                            for (Role role : Role.values()) {
                                String key = ApiKeys.newKey();
                                created.put(role, key);
                                all = all.compose(x -> conn.preparedQuery(INSERT)
                                        .execute(Tuple.of(
                                                "local-" + role.wire(),
                                                bootstrapRoles(role),
                                                ApiKeys.hash(key),
                                                ApiKeys.prefix(key)))
                                        .mapEmpty());
                            }
                            return all;
                        }))
                .compose(v -> created.isEmpty()
                        ? Future.succeededFuture()
                        : vertx.executeBlocking(() -> {
                            write(config.keysDir(), created);
                            return null;
                        }));
    }

    /**
     * What the bootstrap key named after {@code role} holds: a replay key also decides; an analyst key also labels
     * (resolving a review case records the verdict as a label).
     */
    static String[] bootstrapRoles(Role role) {
        return switch (role) {
            case REPLAY -> new String[] {Role.DECIDE.wire(), role.wire()};
            case ANALYST -> new String[] {role.wire(), Role.LABEL.wire()};
            default -> new String[] {role.wire()};
        };
    }

    private static void write(Path dir, Map<Role, String> created) throws java.io.IOException {
        Files.createDirectories(dir);
        for (Map.Entry<Role, String> e : created.entrySet()) {
            Path file = dir.resolve(e.getKey().wire() + ".key");
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, e.getValue() + "\n");
        }
        LOG.info(
                "no API key existed: created one per role, in {} ({}); Authorization: Bearer <key>",
                dir.toAbsolutePath(),
                String.join(
                        ", ",
                        created.keySet().stream().map(r -> r.wire() + ".key").toList()));
    }
}
