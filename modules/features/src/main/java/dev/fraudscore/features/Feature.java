package dev.fraudscore.features;

import java.util.List;

/**
 * The model's inputs, in the order the model sees them. The names are written into the model's metadata
 * and checked when a model is loaded; the reason codes are the stable codes a decision's reasons carry.
 */
public enum Feature {
    AMOUNT("amount", "AMOUNT"),
    WEEKEND("is_weekend", "WEEKEND"),
    NIGHT("is_night", "NIGHT_TIME"),
    CARD_COUNT_1H("card_count_1h", "CARD_VELOCITY_1H"),
    CARD_AMOUNT_1H("card_amount_1h", "CARD_SPEND_1H"),
    CARD_COUNT_1D("card_count_1d", "CARD_VELOCITY_1D"),
    CARD_AVG_1D("card_avg_amount_1d", "CARD_AVG_AMOUNT_1D"),
    CARD_COUNT_7D("card_count_7d", "CARD_VELOCITY_7D"),
    CARD_AVG_7D("card_avg_amount_7d", "CARD_AVG_AMOUNT_7D"),
    CARD_COUNT_30D("card_count_30d", "CARD_VELOCITY_30D"),
    CARD_AVG_30D("card_avg_amount_30d", "CARD_AVG_AMOUNT_30D"),
    CARD_AMOUNT_RATIO_7D("card_amount_to_avg_7d", "AMOUNT_VS_CARD_WEEK"),
    CARD_AMOUNT_RATIO_30D("card_amount_to_avg_30d", "AMOUNT_VS_CARD_HISTORY"),
    CARD_SECONDS_SINCE_PREVIOUS("card_seconds_since_previous", "CARD_RAPID_REPEAT"),
    CARD_BASELINE_AVG("card_avg_amount_8_37d", "CARD_BASELINE_AMOUNT"),
    CARD_AMOUNT_RATIO_BASELINE("card_amount_to_baseline", "AMOUNT_VS_CARD_BASELINE"),
    CARD_WEEK_VS_BASELINE("card_avg_7d_to_baseline", "CARD_SPENDING_SHIFT"),
    CARD_DAY_VS_BASELINE("card_avg_1d_to_baseline", "CARD_SPENDING_SHIFT_TODAY"),
    CARD_KNOWN_FRAUDS_30D("card_known_frauds_30d", "CARD_CONFIRMED_FRAUD"),
    CARD_DAYS_SINCE_LAST_FRAUD("card_days_since_last_fraud", "CARD_RECENT_CONFIRMED_FRAUD"),
    TERMINAL_COUNT_1D("terminal_count_1d", "TERMINAL_VELOCITY_1D"),
    TERMINAL_COUNT_7D("terminal_count_7d", "TERMINAL_VELOCITY_7D"),
    TERMINAL_AVG_30D("terminal_avg_amount_30d", "TERMINAL_AVG_AMOUNT_30D"),
    TERMINAL_AMOUNT_RATIO_30D("terminal_amount_to_avg_30d", "AMOUNT_VS_TERMINAL_HISTORY"),
    TERMINAL_DELAYED_COUNT_1D("terminal_delayed_count_1d", "TERMINAL_LABELLED_VOLUME_1D"),
    TERMINAL_RISK_1D("terminal_risk_1d", "TERMINAL_FRAUD_RATE_1D"),
    TERMINAL_DELAYED_COUNT_7D("terminal_delayed_count_7d", "TERMINAL_LABELLED_VOLUME_7D"),
    TERMINAL_RISK_7D("terminal_risk_7d", "TERMINAL_FRAUD_RATE_7D"),
    TERMINAL_DELAYED_COUNT_30D("terminal_delayed_count_30d", "TERMINAL_LABELLED_VOLUME_30D"),
    TERMINAL_RISK_30D("terminal_risk_30d", "TERMINAL_FRAUD_RATE_30D"),
    TERMINAL_FRAUDS_7D("terminal_frauds_7d", "TERMINAL_KNOWN_FRAUDS_7D"),
    TERMINAL_FRAUDS_30D("terminal_frauds_30d", "TERMINAL_KNOWN_FRAUDS_30D"),
    TERMINAL_DAYS_SINCE_LAST_FRAUD("terminal_days_since_last_fraud", "TERMINAL_RECENT_FRAUD"),
    TERMINAL_DAYS_SINCE_FIRST_FRAUD("terminal_days_since_first_fraud", "TERMINAL_FIRST_KNOWN_FRAUD"),
    TERMINAL_FRAUD_STREAK_DAYS("terminal_all_fraud_days", "TERMINAL_ONLY_FRAUD_LATELY"),
    TERMINAL_FRAUD_STREAK_AGE("terminal_all_fraud_since_days", "TERMINAL_COMPROMISE_AGE"),
    TERMINAL_DAYS_SINCE_GENUINE("terminal_days_since_genuine", "TERMINAL_NO_GENUINE_LATELY");

    public static final List<Feature> ORDER = List.of(values());
    public static final int COUNT = ORDER.size();

    private final String featureName;
    private final String reasonCode;

    Feature(String featureName, String reasonCode) {
        this.featureName = featureName;
        this.reasonCode = reasonCode;
    }

    public String featureName() {
        return featureName;
    }

    public String reasonCode() {
        return reasonCode;
    }

    /**
     * The key of this build's feature list: the audit trail keeps feature values as an array in this order, and the
     * list under this key ({@code audit.feature_sets}) names them.
     */
    public static String setKey() {
        return SET_KEY;
    }

    private static final String SET_KEY = computeSetKey();

    private static String computeSetKey() {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(String.join(",", names()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "fs-" + java.util.HexFormat.of().formatHex(digest, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<String> names() {
        return ORDER.stream().map(Feature::featureName).toList();
    }
}
