package dev.fraudscore.domain;

import java.math.BigDecimal;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Currency;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns an already-parsed JSON object (field name to value) into a {@link Transaction}, or throws a
 * {@link ValidationException} naming the first offending field and the rule it broke.
 * Unknown fields are ignored so that callers can add fields before we read them.
 */
public final class TransactionValidator {
    /** The largest amount accepted, in the currency's major unit, in any currency. */
    public static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000");
    /** How far in the future (by the node's clock) an event time may be: covers clock skew, not more. */
    public static final Duration MAX_FUTURE_SKEW = Duration.ofHours(24);

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@=+/\\-]{1,64}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:@=+/\\-]{1,128}");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    private static final Pattern MCC = Pattern.compile("[0-9]{4}");
    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

    private final Clock clock;

    public TransactionValidator(Clock clock) {
        this.clock = clock;
    }

    public Transaction parse(Map<String, ?> in) {
        String transactionId = id(in, "transactionId", ID, true);
        String cardId = id(in, "cardId", TOKEN, true);
        String terminalId = id(in, "terminalId", ID, true);
        String currency = currency(in);
        BigDecimal amount = amount(in, currency);
        OffsetDateTime timestamp = timestamp(in);
        String customerId = id(in, "customerId", ID, false);
        String deviceId = id(in, "deviceId", TOKEN, false);
        String ipAddress = ipAddress(in);
        String mcc = pattern(in, "mcc", MCC, "four_digits", "mcc must be a 4-digit merchant category code");
        String country = pattern(in, "country", COUNTRY, "iso3166_alpha2", "country must be an ISO 3166 alpha-2 code");
        if (country != null && !COUNTRIES.contains(country)) {
            throw new ValidationException(
                    "country", "iso3166_alpha2", "country " + country + " is not an ISO 3166 country code");
        }
        Channel channel = channel(in);
        return new Transaction(
                transactionId,
                cardId,
                terminalId,
                amount,
                currency,
                timestamp,
                customerId,
                deviceId,
                ipAddress,
                mcc,
                country,
                channel);
    }

    private static final Pattern SOURCE = Pattern.compile("[a-z0-9_\\-]{1,32}");
    /** An API client's name (ops/keys.sh create --client). */
    public static final Pattern CLIENT = Pattern.compile("[A-Za-z0-9._:@-]{1,64}");

    /**
     * Parses a label: transactionId and fraud (a JSON boolean) required; source, client, cardId, terminalId, timestamp
     * optional.
     */
    public Label parseLabel(Map<String, ?> in) {
        String transactionId = id(in, "transactionId", ID, true);
        Object fraud = in.get("fraud");
        if (fraud == null) {
            throw new ValidationException("fraud", "required", "fraud is required (true or false)");
        }
        if (!(fraud instanceof Boolean f)) {
            throw new ValidationException("fraud", "type_boolean", "fraud must be a JSON boolean");
        }
        String source = string(in, "source", false);
        if (source == null) {
            source = "unspecified";
        } else if (!SOURCE.matcher(source).matches()) {
            throw new ValidationException(
                    "source", "identifier", "source must be 1-32 of a-z 0-9 _ -, e.g. chargeback");
        }
        String cardId = id(in, "cardId", TOKEN, false);
        String terminalId = id(in, "terminalId", ID, false);
        OffsetDateTime timestamp = in.get("timestamp") == null ? null : timestamp(in);
        boolean some = cardId != null || terminalId != null || timestamp != null;
        boolean all = cardId != null && terminalId != null && timestamp != null;
        if (some && !all) {
            String missing = cardId == null ? "cardId" : terminalId == null ? "terminalId" : "timestamp";
            throw new ValidationException(
                    missing, "required_with", "cardId, terminalId and timestamp go together: give all three or none");
        }
        String client = string(in, "client", false);
        if (client != null && !CLIENT.matcher(client).matches()) {
            throw new ValidationException(
                    "client", "identifier", "client must be 1-64 of A-Z a-z 0-9 . _ : @ - (an API client's name)");
        }
        return new Label(transactionId, f, source, cardId, terminalId, timestamp, client, null);
    }

    private static String string(Map<String, ?> in, String field, boolean required) {
        Object value = in.get(field);
        if (value == null) {
            if (required) {
                throw new ValidationException(field, "required", field + " is required");
            }
            return null;
        }
        if (!(value instanceof String s)) {
            throw new ValidationException(field, "type_string", field + " must be a JSON string");
        }
        return s;
    }

    private static String id(Map<String, ?> in, String field, Pattern pattern, boolean required) {
        String s = string(in, field, required);
        if (s != null && !pattern.matcher(s).matches()) {
            int max = pattern == ID ? 64 : 128;
            throw new ValidationException(
                    field, "identifier", field + " must be 1-" + max + " characters of A-Z a-z 0-9 . _ : @ = + / -");
        }
        if (s != null && Luhn.looksLikePan(s)) {
            // every identifier, not only cardId: a PAN must never reach the audit trail, a topic or a log
            throw new ValidationException(
                    field,
                    "not_a_pan",
                    field + " holds what looks like a raw card number (13-19 digits passing Luhn, with or without"
                            + " separators); send a token, never a PAN");
        }
        return s;
    }

    private static String pattern(Map<String, ?> in, String field, Pattern pattern, String rule, String message) {
        String s = string(in, field, false);
        if (s != null && !pattern.matcher(s).matches()) {
            throw new ValidationException(field, rule, message);
        }
        return s;
    }

    private static String currency(Map<String, ?> in) {
        String s = string(in, "currency", true);
        if (!CURRENCY.matcher(s).matches()) {
            throw new ValidationException(
                    "currency", "iso4217", "currency must be three upper-case letters (ISO 4217), e.g. EUR");
        }
        try {
            Currency.getInstance(s);
        } catch (IllegalArgumentException e) {
            throw new ValidationException("currency", "iso4217", "currency " + s + " is not an ISO 4217 currency code");
        }
        return s;
    }

    private static BigDecimal amount(Map<String, ?> in, String currency) {
        Object value = in.get("amount");
        if (value == null) {
            throw new ValidationException("amount", "required", "amount is required");
        }
        if (!(value instanceof Number n)) {
            throw new ValidationException("amount", "type_number", "amount must be a JSON number");
        }
        BigDecimal amount;
        try {
            amount = new BigDecimal(n.toString()).stripTrailingZeros();
        } catch (NumberFormatException e) {
            throw new ValidationException("amount", "type_number", "amount must be a finite number");
        }
        if (amount.signum() < 0) {
            // zero is a real authorization (card verification); negative is not
            throw new ValidationException("amount", "non_negative", "amount must not be negative");
        }
        if (amount.compareTo(MAX_AMOUNT) > 0) {
            throw new ValidationException("amount", "max", "amount must not exceed " + MAX_AMOUNT.toPlainString());
        }
        int digits = Currency.getInstance(currency).getDefaultFractionDigits();
        if (digits >= 0 && amount.scale() > digits) {
            throw new ValidationException(
                    "amount", "scale", "amount has more decimal places than " + currency + " allows (" + digits + ")");
        }
        return amount.scale() < 0 ? amount.setScale(0) : amount;
    }

    private OffsetDateTime timestamp(Map<String, ?> in) {
        String s = string(in, "timestamp", true);
        OffsetDateTime t;
        try {
            t = OffsetDateTime.parse(s);
        } catch (DateTimeParseException e) {
            throw new ValidationException(
                    "timestamp", "iso8601", "timestamp must be ISO-8601 with an offset, e.g. 2026-11-21T10:15:30Z");
        }
        if (t.toInstant().isAfter(clock.instant().plus(MAX_FUTURE_SKEW))) {
            throw new ValidationException(
                    "timestamp",
                    "not_in_future",
                    "timestamp is more than " + MAX_FUTURE_SKEW.toHours() + " hours in the future");
        }
        return t;
    }

    private static String ipAddress(Map<String, ?> in) {
        String s = string(in, "ipAddress", false);
        if (s == null) {
            return null;
        }
        boolean ok = IPV4.matcher(s).matches()
                || (s.indexOf(':') >= 0 && IPV6.matcher(s).matches() && isIpv6Literal(s));
        if (!ok) {
            throw new ValidationException(
                    "ipAddress", "ip_literal", "ipAddress must be an IPv4 or IPv6 address literal");
        }
        return s;
    }

    private static boolean isIpv6Literal(String s) {
        // Only called on strings containing ':' and made of hex digits, ':' and '.', which the JDK parses
        // as a literal without any name lookup.
        try {
            return InetAddress.getByName(s) instanceof Inet6Address;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static Channel channel(Map<String, ?> in) {
        String s = string(in, "channel", false);
        if (s == null) {
            return null;
        }
        Channel c = Channel.parse(s);
        if (c == null) {
            throw new ValidationException(
                    "channel", "one_of", "channel must be one of POS, ECOM, MOTO, ATM, RECURRING");
        }
        return c;
    }
}
