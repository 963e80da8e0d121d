package dev.fraudscore.model;

import dev.fraudscore.features.VelocityState;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates what a running platform decided during a replay, with the handbook's protocol: the scores
 * come from the platform's audit table (the served model on the features it computed online), the truth
 * from the handbook file.
 *
 * <pre>Evaluator --data transactions.csv.gz --db postgresql://postgres@127.0.0.1:15432/postgres --prefix hb
 *           --train 2018-07-25:2018-07-31 --test 2018-08-08:2018-08-14</pre>
 */
public final class Evaluator {
    private Evaluator() {}

    public static void main(String[] args) throws Exception {
        HandbookData.runTool(() -> evaluate(args));
    }

    private static void evaluate(String[] args) throws Exception {
        Map<String, String> o =
                new LinkedHashMap<>(Map.of("db", "postgresql://postgres@127.0.0.1:15432/postgres", "prefix", "hb"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].substring(2), args[i + 1]);
        }
        HandbookData data = HandbookData.resolve(o);
        o.putIfAbsent("train", data.split().train());
        o.putIfAbsent("test", data.split().test());
        String[] tr = o.get("train").split(":");
        String[] te = o.get("test").split(":");
        LocalDate trainFrom = LocalDate.parse(tr[0]), trainTo = LocalDate.parse(tr[1]);
        LocalDate testFrom = LocalDate.parse(te[0]), testTo = LocalDate.parse(te[1]);

        Map<String, Float> scores = scores(o.get("db"), o.get("prefix") + "-", testFrom, testTo);
        List<HandbookProtocol.Row> test = new ArrayList<>();
        Set<String> trainFraudCards = new HashSet<>();
        Map<LocalDate, Set<String>> fraudCardsByDay = new HashMap<>();
        int[] missing = {0};
        HandbookCsv.forEach(data.file(), r -> {
            LocalDate day = r.timestamp().toLocalDate();
            if (r.fraud() == 1) {
                fraudCardsByDay.computeIfAbsent(day, d -> new HashSet<>()).add(r.customerId());
                if (!day.isBefore(trainFrom) && !day.isAfter(trainTo)) {
                    trainFraudCards.add(r.customerId());
                }
            }
            if (!day.isBefore(testFrom) && !day.isAfter(testTo)) {
                Float score = scores.get(o.get("prefix") + "-" + r.transactionId());
                if (score == null) {
                    missing[0]++;
                } else {
                    test.add(new HandbookProtocol.Row(r.customerId(), day, score, r.fraud()));
                }
            }
        });
        if (missing[0] > 0) {
            System.out.printf(
                    "warning: %,d test transactions have no scored decision in the audit table%n", missing[0]);
        }
        List<HandbookProtocol.Row> kept = HandbookProtocol.removeKnownCompromised(
                test, trainFraudCards, fraudCardsByDay, VelocityState.LABEL_DELAY_DAYS);
        HandbookProtocol.Result r = HandbookProtocol.evaluate(kept, 100);
        System.out.printf(
                "online scores from the audit table: %,d test transactions scored, %,d after the protocol (%d frauds)%n",
                test.size(), r.transactions(), r.frauds());
        System.out.println("| model | AUC ROC | AP | CP@100 |");
        System.out.println("|---|---|---|---|");
        System.out.printf(
                "| platform, online features (this replay) | %.4f | %.4f | %.4f |%n",
                r.aucRoc(), r.averagePrecision(), r.cardPrecisionAtK());
        System.out.println("| book: XGBoost chosen by validation | 0.872 | 0.687 | 0.302 |");
        System.out.println("| book: best XGBoost per metric | 0.872 | 0.694 | 0.304 |");
        System.out.print("CP@100 per day:");
        r.cardPrecisionPerDay().forEach(d -> System.out.printf(" %.2f", d));
        System.out.println();
        if (o.containsKey("card")) {
            writeCard(Path.of(o.get("card")), r, test.size(), o);
        }
    }

    private static final String BEGIN = "<!-- online-replay -->";
    private static final String END = "<!-- /online-replay -->";

    /** Writes (or replaces) the online-replay section of a model card. */
    static void writeCard(Path card, HandbookProtocol.Result r, int scored, Map<String, String> o) throws IOException {
        StringBuilder s =
                new StringBuilder(BEGIN).append("\n## Results of the running platform (online features, replay)\n\n");
        s.append(String.format(
                "The handbook file replayed through a running node (`ops/replay.sh`), fraud labels fed back 7 days of%n"
                        + "event time after their transactions; scores read back from the audit table (`ops/evaluate.sh --prefix %s`).%n"
                        + "%,d test-week transactions scored; %,d transactions and %d frauds after the protocol.%n%n",
                o.get("prefix"), scored, r.transactions(), r.frauds()));
        s.append("| model | AUC ROC | AP | CP@100 |\n|---|---|---|---|\n");
        s.append(String.format(
                "| **served model, online features** | **%.4f** | **%.4f** | **%.4f** |%n",
                r.aucRoc(), r.averagePrecision(), r.cardPrecisionAtK()));
        s.append("| book: XGBoost chosen by validation | 0.872 | 0.687 | 0.302 |\n");
        s.append("| book: best XGBoost per metric | 0.872 | 0.694 | 0.304 |\n\n")
                .append(END)
                .append('\n');
        String text = Files.exists(card) ? Files.readString(card) : "";
        int b = text.indexOf(BEGIN);
        int e = text.indexOf(END);
        text = b >= 0 && e > b ? text.substring(0, b) + s + text.substring(e + END.length() + 1) : text + "\n" + s;
        Files.writeString(card, text);
    }

    /** transaction id -> score of non-degraded decisions whose event time is in the range. */
    static Map<String, Float> scores(String uri, String prefix, LocalDate from, LocalDate to) throws Exception {
        URI u = URI.create(uri);
        String info = u.getUserInfo() == null ? "postgres" : u.getUserInfo();
        String user = info.split(":", 2)[0];
        String password = info.contains(":") ? info.split(":", 2)[1] : "";
        Map<String, Float> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(
                        "jdbc:postgresql://" + u.getHost() + ":" + u.getPort() + u.getPath(), user, password);
                PreparedStatement s = c.prepareStatement(
                        "SELECT transaction_id, score FROM audit.decisions WHERE transaction_id LIKE ? "
                                + "AND event_time >= ?::date AND event_time < ?::date + 1 AND NOT degraded")) {
            s.setString(1, prefix.replace("_", "\\_") + "%");
            s.setString(2, from.toString());
            s.setString(3, to.toString());
            s.setFetchSize(10_000);
            c.setAutoCommit(false);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getFloat(2));
                }
            }
        }
        return out;
    }
}
