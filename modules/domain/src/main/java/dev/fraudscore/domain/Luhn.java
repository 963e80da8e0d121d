package dev.fraudscore.domain;

/** The Luhn (mod 10) check used by card numbers. */
public final class Luhn {
    private Luhn() {}

    /** True when {@code digits} is all ASCII digits and passes the Luhn check. */
    public static boolean isValid(CharSequence digits) {
        int sum = 0;
        boolean doubleIt = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            int d = c - '0';
            if (doubleIt) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return digits.length() > 0 && sum % 10 == 0;
    }

    /** True when the value, ignoring spaces and dashes, is 13-19 digits passing Luhn: a raw card number. */
    public static boolean looksLikePan(String value) {
        StringBuilder digits = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ' ' || c == '-') {
                continue;
            }
            if (c < '0' || c > '9') {
                return false;
            }
            digits.append(c);
        }
        return digits.length() >= 13 && digits.length() <= 19 && isValid(digits);
    }
}
