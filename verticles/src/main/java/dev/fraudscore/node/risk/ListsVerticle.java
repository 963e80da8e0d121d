package dev.fraudscore.node.risk;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import dev.fraudscore.node.PgPools;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.risk.RiskLists.Entry;
import dev.fraudscore.node.risk.RiskLists.Kind;
import dev.fraudscore.node.risk.RiskLists.ListType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's {@link RiskLists} and {@link RiskRules} equal to what is in force in PostgreSQL (list entries,
 * the newest version of every rule): loaded at start, again whenever
 * any node announces a change on the Hazelcast topic {@value #TOPIC} (every member hears it at once), and when a
 * check every {@value #REFRESH_MS} ms finds a change in {@code risk.changes} it has not loaded (one announced while
 * this node was away; every change of an entry or a rule is written there in its own transaction). An expired entry
 * stops matching at its expiry without a reload. Loads never overlap: a change announced during a load starts one
 * more. The index of the entries is built on a worker thread: 100,000 entries take longer than an event loop may.
 */
public final class ListsVerticle extends VerticleBase {
    public static final String TOPIC = "fraud.risk.changes";
    static final long REFRESH_MS = 30_000;
    private static final Logger LOG = LoggerFactory.getLogger(ListsVerticle.class);
    /** The newest version of every rule. */
    private static final String RULES = "SELECT DISTINCT ON (name) name, version, expression, action, reason_code,"
            + " priority, state, score_adjustment FROM risk.rules ORDER BY name, version DESC";

    private static final String NEWEST_CHANGE = "SELECT coalesce(max(id), 0) FROM risk.changes";
    private static final String LOAD = "SELECT id, list, kind, value, reason, expires_at FROM risk.list_entries"
            + " WHERE removed_at IS NULL AND (expires_at IS NULL OR expires_at > now())";

    private final NodeConfig.Postgres postgres;
    private final HazelcastInstance hazelcast;
    private final RiskLists lists;
    private final RiskRules rules;
    private final String nodeId;
    private final Counter tripped;
    private Pool pool;
    private boolean loading;
    private boolean again;
    private UUID listener;
    private ITopic<String> topic;

    public ListsVerticle(
            NodeConfig.Postgres postgres,
            HazelcastInstance hazelcast,
            RiskLists lists,
            RiskRules rules,
            String nodeId,
            MeterRegistry registry) {
        this.nodeId = nodeId;
        this.tripped = Counter.builder("fraud.rules.guard.tripped")
                .description("active rules switched to shadow by the hit-rate guard")
                .register(registry);
        this.postgres = postgres;
        this.hazelcast = hazelcast;
        this.lists = lists;
        this.rules = rules;
    }

    @Override
    public Future<?> start() {
        pool = PgPools.create(vertx, postgres, 1);
        rules.onTrip(rule -> context.runOnContext(v -> guard(rule)));
        topic = hazelcast.getTopic(TOPIC);
        listener = topic.addMessageListener(m -> context.runOnContext(v -> load()));
        vertx.setPeriodic(REFRESH_MS, id -> refreshIfChanged());
        // the expression compiler's first use loads and initialises it (hundreds of ms): before any rule arrives
        return vertx.executeBlocking(() -> RiskRules.compile("true")).compose(v -> reload());
    }

    @Override
    public Future<?> stop() {
        topic.removeMessageListener(listener);
        return pool.close();
    }

    /** The newest change loaded (-1: none yet, or the last load failed). */
    private long loadedChange = -1;

    private void refreshIfChanged() {
        pool.query(NEWEST_CHANGE)
                .execute()
                .onSuccess(rows -> {
                    if (rows.iterator().next().getLong(0) != loadedChange) {
                        load();
                    }
                })
                .onFailure(e -> LOG.warn(
                        "risk changes not checked ({}); the lists and rules loaded last stay in force", e.toString()));
    }

    private void load() {
        if (loading) {
            again = true;
            return;
        }
        reload().onFailure(e -> LOG.warn(
                "risk lists not reloaded ({}); the {} entries loaded last stay in force", e.toString(), lists.size()));
    }

    private Future<Void> reload() {
        loading = true;
        again = false;
        // read before the rows: a change committed in between is loaded again at the next check, never missed
        Future<Long> latest = pool.query(NEWEST_CHANGE)
                .execute()
                .map(rows -> rows.iterator().next().getLong(0));
        Future<Void> ruleVersions = pool.query(RULES).execute().compose(rows -> {
            List<RiskRules.Rule> versions = new ArrayList<>(rows.size());
            for (Row r : rows) {
                versions.add(new RiskRules.Rule(
                        r.getString("name"),
                        r.getInteger("version"),
                        r.getString("expression"),
                        RiskRules.Action.valueOf(r.getString("action")),
                        r.getString("reason_code"),
                        r.getInteger("priority"),
                        RiskRules.State.valueOf(r.getString("state").toUpperCase(Locale.ROOT)),
                        r.getDouble("score_adjustment")));
            }
            // compiling is CPU work (milliseconds a rule): on a worker thread, never on the event loop
            return vertx.executeBlocking(() -> {
                for (String refused : rules.replace(versions)) {
                    LOG.error("rule not in force (it no longer compiles): {}", refused);
                }
                return (Void) null;
            });
        });
        return latest.compose(change -> pool.query(LOAD)
                        .execute()
                        .compose(rows -> vertx.executeBlocking(() -> {
                            List<Entry> entries = new ArrayList<>(rows.size());
                            for (Row r : rows) {
                                OffsetDateTime expires = r.getOffsetDateTime("expires_at");
                                entries.add(new Entry(
                                        r.getLong("id"),
                                        ListType.valueOf(r.getString("list").toUpperCase(Locale.ROOT)),
                                        Kind.valueOf(r.getString("kind").toUpperCase(Locale.ROOT)),
                                        r.getString("value"),
                                        r.getString("reason"),
                                        expires == null ? null : expires.toInstant()));
                            }
                            lists.replace(entries);
                            return (Void) null;
                        }))
                        .compose(v -> ruleVersions)
                        .onComplete(ar -> {
                            loadedChange = ar.succeeded() ? change : -1;
                        }))
                .onComplete(ar -> {
                    loading = false;
                    if (again) {
                        load();
                    }
                });
    }

    /**
     * The hit-rate guard stopped {@code rule} on this node: a new version in shadow is stored for every node (unless
     * the rule changed since), the change logged as the guard's, and the trip counted and logged for the alert.
     */
    private void guard(RiskRules.Rule rule) {
        LOG.error(
                "rule {} v{} held for more than {}% of {} decisions: switched to shadow (hit-rate guard)",
                rule.name(), rule.version(), Math.round(rules.guardShare() * 100), rules.guardWindow());
        tripped.increment();
        String actor = "guard@" + nodeId;
        pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO risk.rules (name, version, expression, action,"
                                + " reason_code, priority, state, changed_by, score_adjustment) SELECT name, version + 1,"
                                + " expression, action, reason_code, priority, 'shadow', $3, score_adjustment"
                                + " FROM risk.rules WHERE name = $1 AND version = $2"
                                + " AND NOT EXISTS (SELECT 1 FROM risk.rules WHERE name = $1 AND version > $2)"
                                + " RETURNING version")
                        .execute(Tuple.of(rule.name(), rule.version(), actor))
                        .compose(rows -> rows.size() == 0
                                ? Future.succeededFuture()
                                : ChangeLog.record(
                                        conn,
                                        actor,
                                        "rule",
                                        rule.name(),
                                        "guard",
                                        new JsonObject()
                                                .put("version", rule.version())
                                                .put("state", "active"),
                                        new JsonObject()
                                                .put(
                                                        "version",
                                                        rows.iterator().next().getInteger(0))
                                                .put("state", "shadow"))))
                .onSuccess(v -> announce(hazelcast))
                .onFailure(
                        e -> LOG.error("the guard could not store rule {} in shadow: {}", rule.name(), e.toString()));
    }

    /** Tells every node (this one included) to reload its lists. */
    public static void announce(HazelcastInstance hazelcast) {
        hazelcast.<String>getTopic(TOPIC).publishAsync("lists@" + Instant.now());
    }
}
