package dev.fraudscore.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.domain.Reason;
import dev.fraudscore.features.Feature;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReasonCodesTest {
    @Test
    void largestPositiveContributionsWinAndBiasIsIgnored() {
        float[] row = new float[Feature.COUNT];
        row[Feature.AMOUNT.ordinal()] = 950;
        float[] c = new float[Feature.COUNT + 1];
        c[Feature.AMOUNT.ordinal()] = 2.5f;
        c[Feature.CARD_COUNT_1H.ordinal()] = 0.7f;
        c[Feature.NIGHT.ordinal()] = -3f;
        c[Feature.COUNT] = 9f; // bias
        List<Reason> r = ReasonCodes.top(row, c, 3);
        assertEquals(2, r.size());
        assertEquals(new Reason("AMOUNT", 950, 2.5f), r.get(0));
        assertEquals("CARD_VELOCITY_1H", r.get(1).code());
    }
}
