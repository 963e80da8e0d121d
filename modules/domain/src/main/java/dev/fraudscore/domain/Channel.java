package dev.fraudscore.domain;

import java.util.Locale;

/** How the card was presented. */
public enum Channel {
    POS,
    ECOM,
    MOTO,
    ATM,
    RECURRING;

    /** Case-insensitive lookup; null when the name is not a channel. */
    public static Channel parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
