package dev.fraudscore.domain;

/** Bad input: names the offending field and the rule it broke. */
public final class ValidationException extends RuntimeException {
    private final String field;
    private final String rule;

    public ValidationException(String field, String rule, String message) {
        super(message, null, false, false);
        this.field = field;
        this.rule = rule;
    }

    public String field() {
        return field;
    }

    public String rule() {
        return rule;
    }
}
