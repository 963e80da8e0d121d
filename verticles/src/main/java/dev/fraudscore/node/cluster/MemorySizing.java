package dev.fraudscore.node.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.fraudscore.domain.Decision;
import dev.fraudscore.domain.Reason;
import dev.fraudscore.domain.StageTimings;
import dev.fraudscore.domain.Thresholds;
import dev.fraudscore.features.VelocityState;
import dev.fraudscore.node.config.ConfigLoader;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.features.VelocityUpdate;
import dev.fraudscore.node.idempotency.IdempotencyEntry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Measures what the cluster state costs in heap: a Hazelcast member with the node's map configuration holds
 * {@code n} remembered transaction ids (decided, with three reasons, as the pipeline stores them) and {@code n}
 * card velocity states; the heap is measured after a full GC before and after each. Prints bytes per entry (one
 * copy; each entry has {@code features.backupCount} more copies in a cluster) and the sizing table of the README.
 * Run with {@code ops/memory-sizing.sh [n]}.
 */
public final class MemorySizing {
    private MemorySizing() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        JsonObject config = ConfigLoader.defaults();
        config.getJsonObject("cluster")
                .put("name", "sizing-" + UUID.randomUUID())
                .put("port", 5951)
                .put("members", new JsonArray().add("127.0.0.1:5951"));
        NodeConfig node = NodeConfig.from(config);
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(HazelcastSetup.config(node));
        try {
            long base = usedHeap();
            IMap<String, String> ids = hz.getMap(Maps.IDEMPOTENCY);
            long now = System.currentTimeMillis();
            for (int i = 0; i < n; i++) {
                String id = UUID.randomUUID().toString();
                ids.set(
                        id,
                        IdempotencyEntry.decided(fingerprint(i), now, decision(id, now))
                                .encode());
            }
            long afterIds = usedHeap();
            IMap<String, VelocityState> cards = hz.getMap(Maps.CARD_VELOCITY);
            for (int i = 0; i < n; i++) {
                // a card seen a few times over days: the state's size is fixed, whatever the count
                for (int k = 0; k < 3; k++) {
                    cards.executeOnKey(
                            "card_tok_" + i,
                            new VelocityUpdate("tx-" + i + "-" + k, now - k * 86_400_000L, 42.5, false));
                }
            }
            long afterCards = usedHeap();
            double perId = (afterIds - base) / (double) n;
            double perKey = (afterCards - afterIds) / (double) n;
            int copies = 1 + node.features().backupCount();
            System.out.printf(
                    Locale.ROOT,
                    "entries: %,d of each%nremembered transaction id: %.0f bytes (one copy)%n"
                            + "card or terminal velocity state: %.0f bytes (one copy)%n"
                            + "copies in a cluster: %d (features.backupCount %d)%n%n",
                    n,
                    perId,
                    perKey,
                    copies,
                    node.features().backupCount());
            System.out.println("| checks/s | ids remembered for 1 h | heap for them (cluster, all copies)"
                    + " | for 24 h | 1M active cards + 100k terminals |");
            System.out.println("|---|---|---|---|---|");
            double keys = (1_000_000 + 100_000) * perKey * copies;
            for (int rate : new int[] {1_000, 10_000, 50_000}) {
                long hour = rate * 3600L;
                System.out.printf(
                        Locale.ROOT,
                        "| %,d | %,d | %.1f GiB | %.1f GiB | %.1f GiB |%n",
                        rate,
                        hour,
                        hour * perId * copies / (1L << 30),
                        hour * 24 * perId * copies / (1L << 30),
                        keys / (1L << 30));
            }
        } finally {
            hz.shutdown();
        }
    }

    private static String fingerprint(int i) {
        return String.format(Locale.ROOT, "%064x", (long) i * 0x9E3779B97F4A7C15L);
    }

    private static Decision decision(String id, long now) {
        Thresholds t = new Thresholds(0.5, 0.9);
        Instant at = Instant.ofEpochMilli(now);
        return new Decision(
                id,
                t.apply(0.12),
                0.12,
                List.of(
                        new Reason("TERMINAL_RISK_28D", 0.41, 0.08),
                        new Reason("AMOUNT", 249.9, 0.05),
                        new Reason("CARD_COUNT_1D", 3, 0.02)),
                "xgb-2026-11-21-b4fa3e04",
                t,
                false,
                null,
                at,
                "node-1",
                new StageTimings(400, 300, 900, 1800),
                Double.NaN,
                null);
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
