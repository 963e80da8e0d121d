package dev.fraudscore.model;

import dev.fraudscore.features.LabelSchedule;
import dev.fraudscore.features.OfflineFeatures;
import dev.fraudscore.features.VelocityState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replays handbook transactions in event-time order through the platform's own feature code, releasing
 * each fraud label {@value VelocityState#LABEL_DELAY_DAYS} days after its transaction, exactly as the
 * replay tool feeds a running platform. Keeps the rows of the requested date ranges.
 */
public final class HandbookReplay {
    /** One transaction with the features the platform computed for it. */
    public record Sample(String transactionId, String card, LocalDate day, float[] features, int label) {}

    private record Label(String card, String terminal, long eventMillis) {}

    public final List<Sample> train = new ArrayList<>();
    public final List<Sample> test = new ArrayList<>();
    /** Cards with a fraud, per day, over the whole file (the protocol's look-back needs the days before the test). */
    public final Map<LocalDate, Set<String>> fraudCardsByDay = new HashMap<>();

    public int read;

    public static HandbookReplay run(
            Path csv, LocalDate trainFrom, LocalDate trainTo, LocalDate testFrom, LocalDate testTo) throws IOException {
        HandbookReplay r = new HandbookReplay();
        OfflineFeatures features = new OfflineFeatures();
        LabelSchedule<Label> labels = new LabelSchedule<>(Duration.ofDays(VelocityState.LABEL_DELAY_DAYS));
        LocalDate last = testTo.isAfter(trainTo) ? testTo : trainTo;
        HandbookCsv.forEach(csv, row -> {
            r.read++;
            LocalDate day = row.timestamp().toLocalDate();
            if (row.fraud() == 1) {
                r.fraudCardsByDay.computeIfAbsent(day, d -> new HashSet<>()).add(row.customerId());
            }
            if (day.isAfter(last)) {
                return;
            }
            long t = row.timestamp().toInstant().toEpochMilli();
            for (Label l : labels.due(t)) {
                features.label(l.card(), l.terminal(), l.eventMillis(), 1);
            }
            float[] x = features.next(
                    row.transactionId(), row.customerId(), row.terminalId(), row.amount(), row.timestamp());
            if (row.fraud() == 1) {
                labels.add(t, new Label(row.customerId(), row.terminalId(), t));
            }
            Sample s = new Sample(row.transactionId(), row.customerId(), day, x, row.fraud());
            if (!day.isBefore(trainFrom) && !day.isAfter(trainTo)) {
                r.train.add(s);
            } else if (!day.isBefore(testFrom) && !day.isAfter(testTo)) {
                r.test.add(s);
            }
        });
        return r;
    }

    public Set<String> trainFraudCards() {
        Set<String> cards = new HashSet<>();
        for (Sample s : train) {
            if (s.label() == 1) {
                cards.add(s.card());
            }
        }
        return cards;
    }
}
