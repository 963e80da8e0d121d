package dev.fraudscore.features;

import static org.junit.jupiter.api.Assertions.*;

import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class FeatureAssemblerTest {
    private static final Window E = Window.EMPTY;
    private static final VelocityWindows NONE =
            new VelocityWindows(E, E, E, E, E, E, E, 0, 0, 0, -1, -1, 0, -1, -1, Double.NaN, false);

    @Test
    void calendarFeaturesUseTheTransactionsLocalClock() {
        // Saturday 05:30 in UTC+2 is Saturday 03:30 UTC: weekend and night either way
        float[] sat = FeatureAssembler.assemble(10, OffsetDateTime.parse("2018-07-28T05:30:00+02:00"), NONE, NONE);
        assertEquals(1f, sat[Feature.WEEKEND.ordinal()]);
        assertEquals(1f, sat[Feature.NIGHT.ordinal()]);
        // Friday 23:30 at UTC-3 is already Saturday in UTC; local clock says weekday, not night
        float[] fri = FeatureAssembler.assemble(10, OffsetDateTime.parse("2018-07-27T23:30:00-03:00"), NONE, NONE);
        assertEquals(0f, fri[Feature.WEEKEND.ordinal()]);
        assertEquals(0f, fri[Feature.NIGHT.ordinal()]);
    }

    @Test
    void ratiosAndAveragesComeFromTheWindows() {
        VelocityWindows card = new VelocityWindows(
                new Window(1, 50),
                new Window(2, 60),
                new Window(4, 100),
                new Window(10, 200),
                E,
                E,
                E,
                0,
                0,
                0,
                -1,
                -1,
                0,
                -1,
                -1,
                90,
                false);
        VelocityWindows term = new VelocityWindows(
                new Window(3, 1),
                new Window(5, 1),
                new Window(7, 1),
                new Window(20, 400),
                new Window(2, 9),
                new Window(8, 99),
                new Window(40, 999),
                1,
                2,
                4,
                8,
                20,
                3,
                12,
                15,
                1,
                false);
        float[] row = FeatureAssembler.assemble(50, OffsetDateTime.parse("2018-07-25T12:00:00Z"), card, term);
        assertEquals(Feature.COUNT, row.length);
        assertEquals(30f, row[Feature.CARD_AVG_1D.ordinal()]);
        assertEquals(2.5f, row[Feature.CARD_AMOUNT_RATIO_30D.ordinal()]);
        assertEquals(2.5f, row[Feature.TERMINAL_AMOUNT_RATIO_30D.ordinal()]);
        assertEquals(90f, row[Feature.CARD_SECONDS_SINCE_PREVIOUS.ordinal()]);
        assertEquals(5f, row[Feature.TERMINAL_COUNT_1D.ordinal()]);
        assertEquals(0.5f, row[Feature.TERMINAL_RISK_1D.ordinal()]);
        assertEquals(0.25f, row[Feature.TERMINAL_RISK_7D.ordinal()]);
        assertEquals(0.1f, row[Feature.TERMINAL_RISK_30D.ordinal()]);
        assertEquals(40f, row[Feature.TERMINAL_DELAYED_COUNT_30D.ordinal()]);
        assertEquals(8f, row[Feature.TERMINAL_DAYS_SINCE_LAST_FRAUD.ordinal()]);
    }

    @Test
    void missingHistoryIsNaN() {
        float[] row = FeatureAssembler.assemble(5, OffsetDateTime.parse("2018-07-25T12:00:00Z"), NONE, NONE);
        assertTrue(Float.isNaN(row[Feature.CARD_SECONDS_SINCE_PREVIOUS.ordinal()]));
        assertTrue(Float.isNaN(row[Feature.CARD_AMOUNT_RATIO_30D.ordinal()]));
        assertEquals(0f, row[Feature.TERMINAL_RISK_7D.ordinal()], "empty delayed window: risk 0, as the handbook");
        assertTrue(Float.isNaN(row[Feature.TERMINAL_DAYS_SINCE_LAST_FRAUD.ordinal()]));
    }

    @Test
    void featureNamesAndReasonCodesAreUnique() {
        assertEquals(Feature.COUNT, Feature.names().stream().distinct().count());
        assertEquals(
                Feature.COUNT,
                Feature.ORDER.stream().map(Feature::reasonCode).distinct().count());
    }
}
