package dev.fraudscore.node.analyst;

import dev.fraudscore.domain.ValidationException;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Query parameters of the analysts' API, parsed strictly: an unknown parameter, a malformed value or a search no
 * index can serve is a {@link ValidationException} naming the parameter and the rule (400), never a slow query. Also
 * the keyset cursors: opaque to callers, base64url of the sort key of the last row returned.
 */
final class AnalystQuery {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:@=+/\\-]{1,128}");
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_]{1,64}");

    private final MultiMap params;

    AnalystQuery(MultiMap params, List<String> allowed) {
        this.params = params;
        for (String name : params.names()) {
            if (!allowed.contains(name)) {
                throw new ValidationException(
                        name,
                        "unknown_parameter",
                        "unknown query parameter " + name + "; this endpoint takes " + String.join(", ", allowed));
            }
            if (params.getAll(name).size() > 1) {
                throw new ValidationException(name, "single_value", name + " is given more than once");
            }
        }
    }

    String token(String name) {
        String v = params.get(name);
        if (v != null && !TOKEN.matcher(v).matches()) {
            throw new ValidationException(
                    name, "pattern", name + " must be 1-128 of letters, digits and . _ : @ = + / -");
        }
        return v;
    }

    String code(String name) {
        String v = params.get(name);
        if (v != null && !CODE.matcher(v).matches()) {
            throw new ValidationException(name, "pattern", name + " must be 1-64 of letters, digits and _");
        }
        return v;
    }

    String oneOf(String name, List<String> values) {
        String v = params.get(name);
        if (v != null && !values.contains(v)) {
            throw new ValidationException(name, "enum", name + " must be one of " + String.join(", ", values));
        }
        return v;
    }

    Boolean bool(String name) {
        String v = params.get(name);
        if (v == null) {
            return null;
        }
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ValidationException(name, "boolean", name + " must be true or false");
        };
    }

    Double number(String name, double min, double max) {
        String v = params.get(name);
        if (v == null) {
            return null;
        }
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new ValidationException(name, "number", name + " must be a number");
        }
        if (!(d >= min && d <= max)) {
            throw new ValidationException(name, "range", name + " must be between " + min + " and " + max);
        }
        return d;
    }

    OffsetDateTime instant(String name) {
        String v = params.get(name);
        if (v == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(v).withOffsetSameInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new ValidationException(
                    name,
                    "date_time",
                    name + " must be an ISO-8601 date-time with an offset, e.g. 2026-11-24T10:00:00Z");
        }
    }

    LocalDate day(String name) {
        String v = params.get(name);
        if (v == null) {
            return null;
        }
        try {
            return LocalDate.parse(v);
        } catch (DateTimeParseException e) {
            throw new ValidationException(name, "date", name + " must be a date, e.g. 2026-11-24");
        }
    }

    int limit() {
        Double d = number("limit", 1, MAX_LIMIT);
        if (d != null && d != Math.floor(d)) {
            throw new ValidationException("limit", "integer", "limit must be a whole number");
        }
        return d == null ? DEFAULT_LIMIT : d.intValue();
    }

    /** The cursor's parts (as many as {@code parts}), or null without one. */
    List<String> cursor(int parts) {
        String v = params.get("cursor");
        if (v == null) {
            return null;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(v), StandardCharsets.UTF_8);
            List<String> out = List.of(decoded.split("\n", -1));
            if (out.size() != parts) {
                throw new IllegalArgumentException();
            }
            Long.parseLong(out.get(0));
            return out;
        } catch (IllegalArgumentException e) {
            throw new ValidationException("cursor", "cursor", "cursor is not one this API returned");
        }
    }

    static String cursorOf(Object... parts) {
        List<String> s = new ArrayList<>();
        for (Object p : parts) {
            s.add(String.valueOf(p));
        }
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(String.join("\n", s).getBytes(StandardCharsets.UTF_8));
    }

    static OffsetDateTime fromMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L)
                .atOffset(ZoneOffset.UTC);
    }
}
