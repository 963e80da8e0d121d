package dev.fraudscore.node.admin;

import dev.fraudscore.model.HandbookProtocol;
import dev.fraudscore.node.Migrations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Champion against challenger on live traffic: the decisions the champion made while the challenger scored them in
 * shadow (both scores are in each audit row), with the labels that have arrived for them (none yet: genuine), each
 * model's AUC ROC, average precision and card precision@100 per day. The promotion rule promotes the challenger when it
 * is better on both AP and CP@100 with at least {@code minFrauds} labelled frauds among those decisions.
 */
final class ChallengerComparison {
    private ChallengerComparison() {}

    private static final String ROWS = "SELECT d.card_id, d.event_time, d.score, d.challenger_score, l.fraud"
            + " FROM audit.decisions d LEFT JOIN audit.labels l"
            + " ON l.transaction_id = d.transaction_id AND l.client = d.client"
            + " WHERE d.model_version = ? AND d.challenger_version = ? AND NOT d.degraded"
            + " AND d.score IS NOT NULL AND d.challenger_score IS NOT NULL"
            + " ORDER BY d.event_time DESC LIMIT 1000000";

    /**
     * Reads the decisions (up to the newest million) and computes the figures on a worker thread: a challenger that
     * shadowed a busy week has hundreds of thousands of rows, too many to decode on an event loop.
     */
    static Future<JsonObject> compare(
            Vertx vertx, Migrations.Jdbc jdbc, String champion, String challenger, int minFrauds) {
        return vertx.executeBlocking(
                () -> {
                    List<Scored> all = new ArrayList<>();
                    try (Connection c = jdbc.connect()) {
                        c.setAutoCommit(false); // a cursor: the rows arrive in batches
                        try (PreparedStatement ps = c.prepareStatement(ROWS)) {
                            ps.setFetchSize(10_000);
                            ps.setString(1, champion);
                            ps.setString(2, challenger);
                            try (ResultSet r = ps.executeQuery()) {
                                while (r.next()) {
                                    Object fraud = r.getObject(5);
                                    all.add(new Scored(
                                            r.getString(1),
                                            r.getObject(2, OffsetDateTime.class)
                                                    .withOffsetSameInstant(ZoneOffset.UTC)
                                                    .toLocalDate(),
                                            r.getFloat(3),
                                            r.getFloat(4),
                                            (Boolean) fraud));
                                }
                            }
                        } finally {
                            c.commit();
                        }
                    }
                    return evaluate(all, champion, challenger, minFrauds);
                },
                false);
    }

    /** One decision both models scored; {@code fraud}: its label, null while none has arrived. */
    record Scored(String card, LocalDate day, float champion, float challenger, Boolean fraud) {}

    static JsonObject evaluate(List<Scored> rows, String champion, String challenger, int minFrauds) {
        List<HandbookProtocol.Row> mine = new ArrayList<>(rows.size());
        List<HandbookProtocol.Row> theirs = new ArrayList<>(rows.size());
        int labelled = 0;
        for (Scored r : rows) {
            labelled += r.fraud() == null ? 0 : 1;
            int label = Boolean.TRUE.equals(r.fraud()) ? 1 : 0;
            mine.add(new HandbookProtocol.Row(r.card(), r.day(), r.champion(), label));
            theirs.add(new HandbookProtocol.Row(r.card(), r.day(), r.challenger(), label));
        }
        JsonObject out = new JsonObject()
                .put("champion", champion)
                .put("challenger", challenger)
                .put("decisions", rows.size())
                .put("labelled", labelled)
                .put("minFrauds", minFrauds);
        int frauds = (int) mine.stream().filter(r -> r.label() == 1).count();
        if (frauds == 0 || frauds == mine.size()) {
            // no figure ranks one class against the other yet
            return out.put("frauds", frauds).put("challengerBetter", false).put("promotable", false);
        }
        HandbookProtocol.Result a = HandbookProtocol.evaluate(mine, 100);
        HandbookProtocol.Result b = HandbookProtocol.evaluate(theirs, 100);
        boolean better = b.averagePrecision() > a.averagePrecision() && b.cardPrecisionAtK() > a.cardPrecisionAtK();
        return out.put("frauds", a.frauds())
                .put("championFigures", figures(a))
                .put("challengerFigures", figures(b))
                .put("challengerBetter", better)
                .put("promotable", better && minFrauds > 0 && a.frauds() >= minFrauds);
    }

    private static JsonObject figures(HandbookProtocol.Result r) {
        return new JsonObject()
                .put("aucRoc", r.aucRoc())
                .put("averagePrecision", r.averagePrecision())
                .put("cardPrecisionAt100", r.cardPrecisionAtK());
    }
}
