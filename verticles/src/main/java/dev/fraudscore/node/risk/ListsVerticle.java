package dev.fraudscore.node.risk;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import dev.fraudscore.node.PgPools;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.risk.RiskLists.Entry;
import dev.fraudscore.node.risk.RiskLists.Kind;
import dev.fraudscore.node.risk.RiskLists.ListType;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
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
 * any node announces a change on the Hazelcast topic {@value #TOPIC} (every member hears it at once), and every
 * {@value #REFRESH_MS} ms (expiries, and a change announced while this node was away). Loads never overlap: a change
 * announced during a load starts one more.
 */
public final class ListsVerticle extends VerticleBase {
    public static final String TOPIC = "fraud.risk.changes";
    static final long REFRESH_MS = 30_000;
    private static final Logger LOG = LoggerFactory.getLogger(ListsVerticle.class);
    /** The newest version of every rule. */
    private static final String RULES = "SELECT DISTINCT ON (name) name, version, expression, action, reason_code,"
            + " priority, state FROM risk.rules ORDER BY name, version DESC";

    private static final String LOAD = "SELECT id, list, kind, value, reason, expires_at FROM risk.list_entries"
            + " WHERE removed_at IS NULL AND (expires_at IS NULL OR expires_at > now())";

    private final NodeConfig.Postgres postgres;
    private final HazelcastInstance hazelcast;
    private final RiskLists lists;
    private final RiskRules rules;
    private Pool pool;
    private boolean loading;
    private boolean again;
    private UUID listener;
    private ITopic<String> topic;

    public ListsVerticle(NodeConfig.Postgres postgres, HazelcastInstance hazelcast, RiskLists lists, RiskRules rules) {
        this.postgres = postgres;
        this.hazelcast = hazelcast;
        this.lists = lists;
        this.rules = rules;
    }

    @Override
    public Future<?> start() {
        pool = PgPools.create(vertx, postgres, 1);
        topic = hazelcast.getTopic(TOPIC);
        listener = topic.addMessageListener(m -> context.runOnContext(v -> load()));
        vertx.setPeriodic(REFRESH_MS, id -> load());
        // the expression compiler's first use loads and initialises it (hundreds of ms): before any rule arrives
        return vertx.executeBlocking(() -> RiskRules.compile("true")).compose(v -> reload());
    }

    @Override
    public Future<?> stop() {
        topic.removeMessageListener(listener);
        return pool.close();
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
                        RiskRules.State.valueOf(r.getString("state").toUpperCase(Locale.ROOT))));
            }
            // compiling is CPU work (milliseconds a rule): on a worker thread, never on the event loop
            return vertx.executeBlocking(() -> {
                for (String refused : rules.replace(versions)) {
                    LOG.error("rule not in force (it no longer compiles): {}", refused);
                }
                return (Void) null;
            });
        });
        return pool.query(LOAD)
                .execute()
                .map(rows -> {
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
                })
                .compose(v -> ruleVersions)
                .onComplete(ar -> {
                    loading = false;
                    if (again) {
                        load();
                    }
                });
    }

    /** Tells every node (this one included) to reload its lists. */
    public static void announce(HazelcastInstance hazelcast) {
        hazelcast.<String>getTopic(TOPIC).publishAsync("lists@" + Instant.now());
    }
}
