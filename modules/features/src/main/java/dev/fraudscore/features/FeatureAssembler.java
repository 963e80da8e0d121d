package dev.fraudscore.features;

import java.time.DayOfWeek;
import java.time.OffsetDateTime;

/**
 * Builds the model's input row from a transaction and the velocity windows of its card and terminal.
 * The trainer and the running node both call this, so the model sees online exactly what it trained on.
 * Missing values (no previous transaction) are NaN, which XGBoost treats as missing.
 */
public final class FeatureAssembler {
    private FeatureAssembler() {
    }

    public static float[] assemble(double amount, OffsetDateTime localTime, VelocityWindows card, VelocityWindows terminal) {
        float[] row = new float[Feature.COUNT];
        DayOfWeek day = localTime.getDayOfWeek();
        row[Feature.AMOUNT.ordinal()] = (float) amount;
        row[Feature.WEEKEND.ordinal()] = day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY ? 1 : 0;
        row[Feature.NIGHT.ordinal()] = localTime.getHour() <= 6 ? 1 : 0;
        row[Feature.CARD_COUNT_1H.ordinal()] = card.h1().count();
        row[Feature.CARD_AMOUNT_1H.ordinal()] = (float) card.h1().sum();
        row[Feature.CARD_COUNT_1D.ordinal()] = card.d1().count();
        row[Feature.CARD_AVG_1D.ordinal()] = (float) card.d1().average();
        row[Feature.CARD_COUNT_7D.ordinal()] = card.d7().count();
        row[Feature.CARD_AVG_7D.ordinal()] = (float) card.d7().average();
        row[Feature.CARD_COUNT_30D.ordinal()] = card.d30().count();
        row[Feature.CARD_AVG_30D.ordinal()] = (float) card.d30().average();
        row[Feature.CARD_AMOUNT_RATIO_30D.ordinal()] = ratio(amount, card.d30().average());
        row[Feature.CARD_SECONDS_SINCE_PREVIOUS.ordinal()] = (float) card.secondsSincePrevious();
        row[Feature.TERMINAL_COUNT_1H.ordinal()] = terminal.h1().count();
        row[Feature.TERMINAL_COUNT_1D.ordinal()] = terminal.d1().count();
        row[Feature.TERMINAL_COUNT_7D.ordinal()] = terminal.d7().count();
        row[Feature.TERMINAL_COUNT_30D.ordinal()] = terminal.d30().count();
        row[Feature.TERMINAL_AVG_30D.ordinal()] = (float) terminal.d30().average();
        row[Feature.TERMINAL_AMOUNT_RATIO_30D.ordinal()] = ratio(amount, terminal.d30().average());
        return row;
    }

    private static float ratio(double amount, double average) {
        return average > 0 ? (float) (amount / average) : Float.NaN;
    }
}
