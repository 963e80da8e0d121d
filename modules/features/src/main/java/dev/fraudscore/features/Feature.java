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
    CARD_AMOUNT_RATIO_30D("card_amount_to_avg_30d", "AMOUNT_VS_CARD_HISTORY"),
    CARD_SECONDS_SINCE_PREVIOUS("card_seconds_since_previous", "CARD_RAPID_REPEAT"),
    TERMINAL_COUNT_1H("terminal_count_1h", "TERMINAL_VELOCITY_1H"),
    TERMINAL_COUNT_1D("terminal_count_1d", "TERMINAL_VELOCITY_1D"),
    TERMINAL_COUNT_7D("terminal_count_7d", "TERMINAL_VELOCITY_7D"),
    TERMINAL_COUNT_30D("terminal_count_30d", "TERMINAL_VELOCITY_30D"),
    TERMINAL_AVG_30D("terminal_avg_amount_30d", "TERMINAL_AVG_AMOUNT_30D"),
    TERMINAL_AMOUNT_RATIO_30D("terminal_amount_to_avg_30d", "AMOUNT_VS_TERMINAL_HISTORY");

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

    public static List<String> names() {
        return ORDER.stream().map(Feature::featureName).toList();
    }
}
