package dev.fraudscore.node.retrain;

import dev.fraudscore.model.FraudModel;
import dev.fraudscore.model.HandbookCsv;
import dev.fraudscore.model.HandbookData;
import dev.fraudscore.model.HandbookProtocol;
import dev.fraudscore.model.HandbookReplay;
import dev.fraudscore.model.Retraining;
import dev.fraudscore.node.Migrations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Weekly retraining on a replayed history (issue 16, {@code ops/retrain-experiment.sh}): for each retraining day T,
 * a model is retrained from the audit trail with what was known then (labels arrive {@code delay} days after their
 * transactions, so the rows before T - delay, all labelled), and then it and the fixed served model are scored on the
 * week it would have decided, [T, T + 7), with the handbook protocol (cards already known compromised removed: a
 * fraud is known delay + 1 days after its day), against the dataset's own labels (the platform never received the
 * last week's: they would arrive after the replay ends). Prints one line per week and writes the table as markdown.
 *
 * <pre>RetrainExperiment --postgres postgresql://postgres@127.0.0.1:15432/postgres --first 2018-07-18 --weeks 3
 *   --champion models/fraud-model.json --out models/versions --report docs/retraining.md</pre>
 */
public final class RetrainExperiment {
    private RetrainExperiment() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("postgres", "postgresql://postgres@127.0.0.1:15432/postgres");
        o.put("first", "2018-07-18");
        o.put("weeks", "4");
        o.put("label-delay-days", "7");
        o.put("train-days", "14");
        o.put("test-days", "3");
        o.put("gap-days", "0");
        o.put("champion", "models/fraud-model.json");
        o.put("out", "models/versions");
        o.put("report", "docs/retraining.md");
        o.put("card", "models/MODEL_CARD.md"); // the served model's card gets the table too
        o.put("data", ""); // the dataset replayed (ground truth for scoring the test weeks); empty: the handbook's
        o.put("prefix", "hb"); // the replay's transaction id prefix
        o.put("title", "Weekly retraining on the handbook replay"); // the report's heading
        o.put("fixed-name", "the fixed served model"); // what the report calls the champion
        o.put("script", "ops/retrain-experiment.sh"); // the command the report names
        for (int i = 0; i < args.length; i += 2) {
            String key = args[i].startsWith("--") ? args[i].substring(2) : "";
            if (!o.containsKey(key) || i + 1 >= args.length) {
                System.err.println("unknown option or missing value: " + args[i] + "; options: " + o.keySet());
                System.exit(2);
            }
            o.put(key, args[i + 1]);
        }
        int delay = Integer.parseInt(o.get("label-delay-days"));
        Migrations.Jdbc jdbc = Migrations.Jdbc.of(o.get("postgres"));
        List<String> lines = new ArrayList<>();
        lines.add("| retrained on | test week | tx (protocol) | frauds | fixed AUC | fixed AP | fixed CP@100 |"
                + " retrained AUC | retrained AP | retrained CP@100 | retrained from | retrained version |");
        lines.add("|---|---|---|---|---|---|---|---|---|---|---|---|");
        int apWins = 0;
        int cpWins = 0;
        int weeks = Integer.parseInt(o.get("weeks"));
        // the test weeks are scored against the dataset's own labels: the replay feeds a label back 7 days after its
        // transaction, so the last week's labels never reached the platform (training only ever reads the platform's)
        Map<String, Integer> truth = new HashMap<>();
        LocalDate from = LocalDate.parse(o.get("first")).minusDays(5L * 7);
        LocalDate to = LocalDate.parse(o.get("first")).plusDays(7L * weeks);
        HandbookData data = HandbookData.resolve(o.get("data").isBlank() ? Map.of() : Map.of("data", o.get("data")));
        HandbookCsv.forEach(data.file(), r -> {
            LocalDate day = r.timestamp().withOffsetSameInstant(ZoneOffset.UTC).toLocalDate();
            if (!day.isBefore(from) && day.isBefore(to)) {
                truth.put(o.get("prefix") + "-" + r.transactionId(), r.fraud());
            }
        });
        Path lastCard = null;
        try (FraudModel fixed = FraudModel.load(Path.of(o.get("champion")))) {
            for (int w = 0; w < weeks; w++) {
                LocalDate t = LocalDate.parse(o.get("first")).plusDays(7L * w);
                Retraining.Report r = RetrainJob.run(
                        jdbc,
                        new RetrainJob.Options(
                                Instant.now(),
                                t.minusDays(delay),
                                delay,
                                Integer.parseInt(o.get("train-days")),
                                Integer.parseInt(o.get("test-days")),
                                Integer.parseInt(o.get("gap-days"))),
                        fixed,
                        fixed.metadata().reviewThreshold(),
                        fixed.metadata().declineThreshold(),
                        Path.of(o.get("out")));
                List<HandbookReplay.Sample> rows;
                try (Connection c = jdbc.connect()) {
                    rows = AuditTrainingSet.load(c, t.minusDays(5L * 7), t.plusDays(7), Instant.now());
                }
                List<HandbookReplay.Sample> week = new ArrayList<>();
                Map<LocalDate, Set<String>> fraudCardsByDay = new HashMap<>();
                for (HandbookReplay.Sample recorded : rows) {
                    Integer label = truth.get(recorded.transactionId());
                    HandbookReplay.Sample s = label == null
                            ? recorded
                            : new HandbookReplay.Sample(
                                    recorded.transactionId(),
                                    recorded.card(),
                                    recorded.day(),
                                    recorded.features(),
                                    label);
                    if (!s.day().isBefore(t)) {
                        week.add(s);
                    } else if (s.label() == 1) {
                        fraudCardsByDay
                                .computeIfAbsent(s.day(), d -> new HashSet<>())
                                .add(s.card());
                    }
                }
                // the week's own frauds become known to later days of it, delay + 1 days on (handbook protocol)
                for (HandbookReplay.Sample s : week) {
                    if (s.label() == 1) {
                        fraudCardsByDay
                                .computeIfAbsent(s.day(), d -> new HashSet<>())
                                .add(s.card());
                    }
                }
                HandbookProtocol.Result fixedResult = evaluate(fixed, week, fraudCardsByDay, delay);
                HandbookProtocol.Result retrainedResult;
                try (FraudModel retrained = FraudModel.load(r.directory().resolve("fraud-model.json"))) {
                    retrainedResult = evaluate(retrained, week, fraudCardsByDay, delay);
                }
                apWins += retrainedResult.averagePrecision() > fixedResult.averagePrecision() ? 1 : 0;
                cpWins += retrainedResult.cardPrecisionAtK() > fixedResult.cardPrecisionAtK() ? 1 : 0;
                String line = String.format(
                        "| %s | %s..%s | %,d | %d | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %s | %s |",
                        t.minusDays(1),
                        t,
                        t.plusDays(6),
                        fixedResult.transactions(),
                        fixedResult.frauds(),
                        fixedResult.aucRoc(),
                        fixedResult.averagePrecision(),
                        fixedResult.cardPrecisionAtK(),
                        retrainedResult.aucRoc(),
                        retrainedResult.averagePrecision(),
                        retrainedResult.cardPrecisionAtK(),
                        r.chosen().fromChampion() ? "fixed + " + r.chosen().trees() + " trees" : "nothing",
                        r.model().version());
                System.out.println(line);
                lines.add(line);
                lastCard = r.directory().resolve("MODEL_CARD.md");
            }
        }
        String summary = String.format(
                "%nRetrained better than the fixed model on AP in %d of %d test weeks, on CP@100 in %d of %d.%n",
                apWins, weeks, cpWins, weeks);
        System.out.print(summary);
        String table = String.join("\n", lines) + "\n" + summary;
        Path report = Path.of(o.get("report"));
        if (report.getParent() != null) {
            Files.createDirectories(report.getParent());
        }
        Files.writeString(
                report,
                "# " + o.get("title") + "\n\n"
                        + "Each week's model is retrained from the audit trail with only the labels known then (delay "
                        + delay + " days), then it and " + o.get("fixed-name") + " decide the following week's rows"
                        + " (handbook protocol: cards already known compromised removed). Written by"
                        + " `" + o.get("script") + "`.\n\n" + table);
        String section = "## Weekly retraining against the fixed model\n\n"
                + "`ops/retrain-experiment.sh` (handbook replayed 2018-06-20..2018-08-14, labels fed back " + delay
                + " days late; each week retrained from the audit trail with what was known then):\n\n" + table;
        for (Path card : new Path[] {lastCard, Path.of(o.get("card"))}) {
            if (card != null && Files.exists(card)) {
                String text = Files.readString(card);
                int at = text.indexOf("## Weekly retraining against the fixed model");
                Files.writeString(card, (at < 0 ? text + "\n" : text.substring(0, at)) + section);
            }
        }
    }

    private static HandbookProtocol.Result evaluate(
            FraudModel model, List<HandbookReplay.Sample> week, Map<LocalDate, Set<String>> known, int delay)
            throws Exception {
        float[] scores = Retraining.scores(model, week);
        List<HandbookProtocol.Row> rows = new ArrayList<>(week.size());
        for (int i = 0; i < week.size(); i++) {
            HandbookReplay.Sample s = week.get(i);
            rows.add(new HandbookProtocol.Row(s.card(), s.day(), scores[i], s.label()));
        }
        // cards whose fraud was known before the week's first look-back day, then day by day (the protocol's walk)
        LocalDate firstLookBack = week.stream()
                .map(HandbookReplay.Sample::day)
                .min(LocalDate::compareTo)
                .orElseThrow()
                .minusDays(delay + 1L);
        Set<String> before = new HashSet<>();
        known.forEach((day, cards) -> {
            if (day.isBefore(firstLookBack)) {
                before.addAll(cards);
            }
        });
        return HandbookProtocol.evaluate(HandbookProtocol.removeKnownCompromised(rows, before, known, delay), 100);
    }
}
