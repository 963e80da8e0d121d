package dev.fraudscore.features;

import java.time.DayOfWeek;
import java.time.OffsetDateTime;

/**
 * Builds the model's input row from a transaction and the velocity windows of its card and terminal.
 * The trainer and the running node both call this, so the model sees online exactly what it trained on.
 * Missing values (no previous transaction) are NaN, which XGBoost treats as missing.
 */
public final class FeatureAssembler {
    private FeatureAssembler() {}

    public static float[] assemble(
            double amount, OffsetDateTime localTime, VelocityWindows card, VelocityWindows terminal) {
        float[] row = new float[Feature.COUNT];
        DayOfWeek day = localTime.getDayOfWeek();
        set(row, Feature.AMOUNT, amount);
        set(row, Feature.WEEKEND, day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY ? 1 : 0);
        set(row, Feature.NIGHT, localTime.getHour() <= 6 ? 1 : 0);
        set(row, Feature.CARD_COUNT_1H, card.h1().count());
        set(row, Feature.CARD_AMOUNT_1H, card.h1().sum());
        set(row, Feature.CARD_COUNT_1D, card.d1().count());
        set(row, Feature.CARD_AVG_1D, card.d1().average());
        set(row, Feature.CARD_COUNT_7D, card.d7().count());
        set(row, Feature.CARD_AVG_7D, card.d7().average());
        set(row, Feature.CARD_COUNT_30D, card.d30().count());
        set(row, Feature.CARD_AVG_30D, card.d30().average());
        set(row, Feature.CARD_AMOUNT_RATIO_7D, ratio(amount, card.d7().average()));
        set(row, Feature.CARD_AMOUNT_RATIO_30D, ratio(amount, card.d30().average()));
        set(row, Feature.CARD_SECONDS_SINCE_PREVIOUS, card.secondsSincePrevious());
        // the card's habits from 8 to 37 days back: a baseline that a compromise of the last week cannot inflate
        set(
                row,
                Feature.CARD_BASELINE_AVG,
                card.delayed30().count() == 0 ? Double.NaN : card.delayed30().average());
        set(
                row,
                Feature.CARD_AMOUNT_RATIO_BASELINE,
                ratio(amount, card.delayed30().average()));
        set(
                row,
                Feature.CARD_WEEK_VS_BASELINE,
                ratio(card.d7().average(), card.delayed30().average()));
        set(
                row,
                Feature.CARD_DAY_VS_BASELINE,
                ratio(card.d1().average(), card.delayed30().average()));
        set(row, Feature.CARD_KNOWN_FRAUDS_30D, card.frauds30());
        set(
                row,
                Feature.CARD_DAYS_SINCE_LAST_FRAUD,
                card.daysSinceLastFraud() < 0 ? Float.NaN : card.daysSinceLastFraud());
        set(row, Feature.TERMINAL_COUNT_1D, terminal.d1().count());
        set(row, Feature.TERMINAL_COUNT_7D, terminal.d7().count());
        set(row, Feature.TERMINAL_AVG_30D, terminal.d30().average());
        set(row, Feature.TERMINAL_AMOUNT_RATIO_30D, ratio(amount, terminal.d30().average()));
        set(row, Feature.TERMINAL_DELAYED_COUNT_1D, terminal.delayed1().count());
        set(row, Feature.TERMINAL_RISK_1D, VelocityWindows.rate(terminal.frauds1(), terminal.delayed1()));
        set(row, Feature.TERMINAL_DELAYED_COUNT_7D, terminal.delayed7().count());
        set(row, Feature.TERMINAL_RISK_7D, VelocityWindows.rate(terminal.frauds7(), terminal.delayed7()));
        set(row, Feature.TERMINAL_DELAYED_COUNT_30D, terminal.delayed30().count());
        set(row, Feature.TERMINAL_RISK_30D, VelocityWindows.rate(terminal.frauds30(), terminal.delayed30()));
        set(row, Feature.TERMINAL_FRAUDS_7D, terminal.frauds7());
        set(row, Feature.TERMINAL_FRAUDS_30D, terminal.frauds30());
        set(
                row,
                Feature.TERMINAL_DAYS_SINCE_LAST_FRAUD,
                terminal.daysSinceLastFraud() < 0 ? Float.NaN : terminal.daysSinceLastFraud());
        set(
                row,
                Feature.TERMINAL_DAYS_SINCE_FIRST_FRAUD,
                terminal.daysSinceFirstFraud() < 0 ? Float.NaN : terminal.daysSinceFirstFraud());
        set(row, Feature.TERMINAL_FRAUD_STREAK_DAYS, terminal.fraudStreakDays());
        set(
                row,
                Feature.TERMINAL_FRAUD_STREAK_AGE,
                terminal.fraudStreakAgeDays() < 0 ? Float.NaN : terminal.fraudStreakAgeDays());
        set(
                row,
                Feature.TERMINAL_DAYS_SINCE_GENUINE,
                terminal.daysSinceGenuine() < 0 ? Float.NaN : terminal.daysSinceGenuine());
        return row;
    }

    private static void set(float[] row, Feature f, double value) {
        row[f.ordinal()] = (float) value;
    }

    private static float ratio(double amount, double average) {
        return average > 0 ? (float) (amount / average) : Float.NaN;
    }
}
