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

    /**
     * True when the value holds a raw card number: 13-19 digits passing Luhn and starting with 2-6 (the major card
     * networks), either as one run of digits or in groups of 3-6 digits split by separators (any character other
     * than a letter or digit: {@code 4111 1111 1111 1111}, {@code 4111.1111.1111.1111}, {@code 3782-822463-10005}),
     * also inside a longer identifier ({@code tok_4111111111111111}). A UUID's 8-4-4-4-12 groups or a 13-digit
     * epoch-millisecond timestamp (starting with 1) are not card numbers.
     */
    public static boolean looksLikePan(String value) {
        return value != null && firstPan(value, 0) != null;
    }

    /** The value with every card-number-shaped run (separators included) replaced by {@code [PAN REDACTED]}. */
    public static String redactPans(String value) {
        if (value == null) {
            return null;
        }
        StringBuilder out = null;
        int copied = 0;
        int[] run;
        while ((run = firstPan(value, copied)) != null) {
            if (out == null) {
                out = new StringBuilder(value.length());
            }
            out.append(value, copied, run[0]).append("[PAN REDACTED]");
            copied = run[1];
        }
        return out == null ? value : out.append(value, copied, value.length()).toString();
    }

    /** {start, end} of the first card-number-shaped run at or after {@code from}, or null. */
    private static int[] firstPan(String value, int from) {
        int n = value.length();
        for (int i = from; i < n; i++) {
            if (!isDigit(value.charAt(i)) || (i > 0 && isDigit(value.charAt(i - 1)))) {
                continue; // runs start at a digit that follows no digit
            }
            // groups of digits separated by single non-alphanumeric characters
            StringBuilder digits = new StringBuilder(20);
            int groups = 0;
            boolean groupsOk = true;
            int j = i;
            int end = i;
            while (j < n && digits.length() <= 19) {
                int g = j;
                while (j < n && isDigit(value.charAt(j))) {
                    digits.append(value.charAt(j++));
                }
                int len = j - g;
                groups++;
                groupsOk &= len >= 3 && len <= 6;
                end = j;
                if (j + 1 < n && !Character.isLetterOrDigit(value.charAt(j)) && isDigit(value.charAt(j + 1))) {
                    j++; // a separator between two groups
                } else {
                    break;
                }
            }
            if (pan(digits, groups, groupsOk)) {
                return new int[] {i, end};
            }
        }
        return null;
    }

    private static boolean pan(StringBuilder digits, int groups, boolean groupsOk) {
        int len = digits.length();
        return len >= 13
                && len <= 19
                && (groups == 1 || groupsOk)
                && digits.charAt(0) >= '2'
                && digits.charAt(0) <= '6'
                && isValid(digits);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
