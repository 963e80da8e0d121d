package dev.fraudscore.node.failure;

import java.util.HashMap;
import java.util.Map;

/**
 * Every way a request can fail, with the {@code rule} the API reports, the HTTP status, whether the same
 * request can succeed when retried, the field a failure names by default, and the code it travels under as
 * an event-bus failure. Input errors ({@link dev.fraudscore.domain.ValidationException}) are {@link #INVALID}
 * with the rule and field of the check that refused them. {@link ApiError#of} maps anything that failed to
 * one of these; the HTTP edge and the dead-letter queue render it, each in one place. No rule is ever read
 * out of a message text.
 */
public enum Failure {
    INVALID(4000, 400, "invalid", false, null),
    MALFORMED_REQUEST(4001, 400, "malformed_request", false, null),
    UNAUTHENTICATED(4010, 401, "unauthenticated", false, "Authorization"),
    FORBIDDEN(4030, 403, "forbidden", false, "Authorization"),
    NO_ROUTE(4040, 404, "not_found", false, null),
    UNKNOWN_TRANSACTION(4041, 404, "unknown_transaction", false, "transactionId"),
    UNKNOWN_CASE(4042, 404, "unknown_case", false, "id"),
    UNKNOWN_LIST_ENTRY(4043, 404, "unknown_list_entry", false, "id"),
    UNKNOWN_RULE(4044, 404, "unknown_rule", false, "name"),
    METHOD_NOT_ALLOWED(4050, 405, "method", false, null),
    IDEMPOTENCY_CONFLICT(4090, 409, "idempotency_conflict", false, "transactionId"),
    IN_PROGRESS(4091, 409, "in_progress", true, "transactionId"),
    LABEL_PRECEDENCE(4092, 409, "label_precedence", false, "source"),
    AMBIGUOUS_TRANSACTION(4093, 409, "ambiguous_transaction", false, "client"),
    CASE_HELD(4094, 409, "case_held", false, "id"),
    CASE_STATE(4095, 409, "case_state", false, "id"),
    LIST_ENTRY_EXISTS(4096, 409, "list_entry_exists", false, "value"),
    RETRAIN_RUNNING(4097, 409, "retrain_running", true, "job"),
    BODY_TOO_LARGE(4130, 413, "max_size", false, "body"),
    MEDIA_TYPE(4150, 415, "media_type", false, "Content-Type"),
    MODEL_REFUSED(4220, 422, "model_refused", false, "path"),
    AUDIT_MISMATCH(4221, 422, "audit_mismatch", false, "cardId"),
    RULE_INVALID(4222, 422, "rule_invalid", false, "expression"),
    RATE_LIMITED(4290, 429, "rate_limited", true, "Authorization"),
    INTERNAL(5000, 500, "internal", false, null),
    OVERLOADED(5030, 503, "overloaded", true, null),
    UNAVAILABLE(5031, 503, "unavailable", true, null),
    TIMEOUT(5032, 503, "timeout", true, null);

    private static final Map<Integer, Failure> BY_CODE = new HashMap<>();

    static {
        for (Failure f : values()) {
            if (BY_CODE.put(f.code, f) != null) {
                throw new ExceptionInInitializerError("two failures share code " + f.code);
            }
        }
    }

    private final int code;
    private final int status;
    private final String rule;
    private final boolean retryable;
    private final String field;

    Failure(int code, int status, String rule, boolean retryable, String field) {
        this.code = code;
        this.status = status;
        this.rule = rule;
        this.retryable = retryable;
        this.field = field;
    }

    /** The event-bus failure code (stable across versions: nodes of two versions may talk during a rollout). */
    public int code() {
        return code;
    }

    public int status() {
        return status;
    }

    public String rule() {
        return rule;
    }

    /** True when the same request may succeed later (the caller retries with the same transactionId). */
    public boolean retryable() {
        return retryable;
    }

    /** The field the failure names when the one raising it names none; null for none. */
    public String field() {
        return field;
    }

    /** The failure sent under {@code code}, or null when the code is not one of ours. */
    public static Failure byCode(int code) {
        return BY_CODE.get(code);
    }

    /** An exception carrying this failure and a human-readable message. */
    public FailureException exception(String message) {
        return new FailureException(this, null, message);
    }
}
