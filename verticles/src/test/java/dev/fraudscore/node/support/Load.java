package dev.fraudscore.node.support;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Steady authorize-check traffic for drills in the tests: {@code rate} new transactions a second (open loop, from
 * the test thread), each on one of {@code cards} cards; every answer is kept by status.
 */
public final class Load {
    private final Http http;
    private final String prefix;
    private final int cards;
    private final List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    private final Map<String, Long> decidedPerCard = new ConcurrentHashMap<>();
    private long sent;

    public Load(Http http, String prefix, int cards) {
        this.http = http;
        this.prefix = prefix;
        this.cards = cards;
    }

    /** Sends at {@code rate}/s for {@code millis}, then returns (answers may still be arriving). */
    public void run(int rate, long millis, Runnable everyTick) {
        long start = System.nanoTime();
        long end = start + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
            while (sent < due) {
                String card = prefix + "-card-" + (sent % cards);
                JsonObject tx = Http.tx(prefix + "-" + sent, card, prefix + "-term-" + (sent % 7), 10 + sent % 90);
                sent++;
                calls.add(http.postAsync("/v1/authorize-check", "application/json", tx.encode())
                        .whenComplete((r, e) -> {
                            int status = e != null ? -1 : r.statusCode();
                            statuses.computeIfAbsent(status, s -> new AtomicLong())
                                    .incrementAndGet();
                            if (status == 200) {
                                decidedPerCard.merge(card, 1L, Long::sum);
                            }
                        }));
            }
            everyTick.run();
            LockSupport.parkNanos(5_000_000);
        }
    }

    /** Waits for every answer; the count of answers by status. */
    public Map<Integer, Long> finish() throws Exception {
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            try {
                c.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                // counted as -1 by the completion handler
            }
        }
        Map<Integer, Long> out = new TreeMap<>();
        statuses.forEach((s, n) -> out.put(s, n.get()));
        return out;
    }

    public long sent() {
        return sent;
    }

    public Map<String, Long> decidedPerCard() {
        return decidedPerCard;
    }
}
