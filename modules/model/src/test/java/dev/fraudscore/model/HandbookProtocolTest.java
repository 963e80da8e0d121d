package dev.fraudscore.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.model.HandbookProtocol.Row;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HandbookProtocolTest {
    private static final LocalDate D0 = LocalDate.parse("2018-08-08");

    @Test
    void knownCompromisedCardsAreDroppedFromTheDayTheirFraudIsKnown() {
        List<Row> test = List.of(
                new Row("trainFraud", D0, 0.9f, 1), // fraud in training: dropped every day
                new Row("a", D0, 0.5f, 0), // a's fraud on D0-7 is known only from D0+1
                new Row("a", D0.plusDays(1), 0.5f, 1),
                new Row("b", D0.plusDays(1), 0.2f, 0),
                new Row("c", D0.plusDays(2), 0.1f, 0));
        Map<LocalDate, Set<String>> byDay = Map.of(D0.minusDays(7), Set.of("a"), D0.minusDays(8), Set.of("z"));
        List<Row> kept = HandbookProtocol.removeKnownCompromised(test, Set.of("trainFraud"), byDay, 7);
        assertEquals(List.of(test.get(1), test.get(3), test.get(4)), kept);
    }

    @Test
    void cardPrecisionUsesEachCardsMaximaAndRemovesDetectedCards() {
        // day 0: cards x (max score .9, fraud), y (.8, genuine), z (.7, fraud, on its second transaction)
        // top-2 = x, y -> 1 hit of 2 = 0.5; x is detected and leaves later days
        // day 1: x (.99, fraud) is gone; z (.6, fraud), w (.5, genuine) -> top-2 = z, w -> 0.5
        List<Row> rows = List.of(
                new Row("x", D0, 0.9f, 1),
                new Row("y", D0, 0.8f, 0),
                new Row("z", D0, 0.1f, 1),
                new Row("z", D0, 0.7f, 0),
                new Row("x", D0.plusDays(1), 0.99f, 1),
                new Row("z", D0.plusDays(1), 0.6f, 1),
                new Row("w", D0.plusDays(1), 0.5f, 0));
        assertEquals(List.of(0.5, 0.5), HandbookProtocol.cardPrecisionPerDay(rows, 2));
        // with k = 3 on day 0: x, y, z -> 2 hits of 3; x and z leave; day 1: only w -> 0 of 3
        List<Double> k3 = HandbookProtocol.cardPrecisionPerDay(rows, 3);
        assertEquals(2.0 / 3, k3.get(0), 1e-12);
        assertEquals(0.0, k3.get(1), 1e-12);
    }

    @Test
    void evaluateReportsAllThreeMetrics() {
        List<Row> rows = List.of(
                new Row("a", D0, 0.1f, 0),
                new Row("b", D0, 0.4f, 0),
                new Row("c", D0, 0.35f, 1),
                new Row("d", D0, 0.8f, 1));
        HandbookProtocol.Result r = HandbookProtocol.evaluate(rows, 2);
        assertEquals(0.75, r.aucRoc(), 1e-12);
        assertEquals(5.0 / 6, r.averagePrecision(), 1e-12);
        assertEquals(0.5, r.cardPrecisionAtK(), 1e-12); // top-2 cards d (fraud), b (genuine)
        assertEquals(4, r.transactions());
        assertEquals(2, r.frauds());
    }
}
