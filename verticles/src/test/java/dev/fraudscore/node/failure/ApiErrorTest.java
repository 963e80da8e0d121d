package dev.fraudscore.node.failure;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.domain.ValidationException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiErrorTest {
    @Test
    void everyFailureTravelsTheBusUnderItsOwnCodeAndComesBackAsItself() {
        Set<Integer> codes = new HashSet<>();
        for (Failure f : Failure.values()) {
            assertTrue(codes.add(f.code()), "code of " + f + " is unique");
            ApiError e =
                    ApiError.of(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, f.code(), "any wording at all"));
            assertEquals(f, e.failure());
            assertEquals(f.rule(), e.rule(), "the rule never depends on the message");
            assertEquals(f.field(), e.field());
            assertEquals(f.status(), e.status());
        }
    }

    @Test
    void theRuleAndStatusOfEachFailureAreThoseTheApiDocuments() {
        assertApi(Failure.IDEMPOTENCY_CONFLICT, 409, "idempotency_conflict", "transactionId", false);
        assertApi(Failure.IN_PROGRESS, 409, "in_progress", "transactionId", true);
        assertApi(Failure.UNKNOWN_TRANSACTION, 404, "unknown_transaction", "transactionId", false);
        assertApi(Failure.OVERLOADED, 503, "overloaded", null, true);
        assertApi(Failure.UNAVAILABLE, 503, "unavailable", null, true);
        assertApi(Failure.TIMEOUT, 503, "timeout", null, true);
        assertApi(Failure.MODEL_REFUSED, 422, "model_refused", "path", false);
        assertApi(Failure.BODY_TOO_LARGE, 413, "max_size", "body", false);
        assertApi(Failure.MEDIA_TYPE, 415, "media_type", "Content-Type", false);
        assertApi(Failure.INTERNAL, 500, "internal", null, false);
    }

    private static void assertApi(Failure f, int status, String rule, String field, boolean retryable) {
        ApiError e = ApiError.of(f.exception("whatever"));
        assertEquals(status, e.status(), f.name());
        assertEquals(rule, e.rule(), f.name());
        assertEquals(field, e.field(), f.name());
        assertEquals(retryable, e.retryable(), f.name());
        assertEquals(rule, e.json().getString("rule"));
        assertEquals("whatever", e.json().getString("error"));
    }

    @Test
    void refusedInputKeepsTheFieldAndRuleOfTheCheckThatRefusedIt() {
        ApiError e = ApiError.of(new ValidationException("amount", "non_negative", "amount must not be negative"));
        assertEquals(400, e.status());
        assertEquals("amount", e.field());
        assertEquals("non_negative", e.rule());
        assertFalse(e.retryable());
    }

    @Test
    void busTimeoutsAndMissingConsumersAreRetryableUnavailability() {
        ApiError timeout = ApiError.of(new ReplyException(ReplyFailure.TIMEOUT, "Timed out after waiting 1000(ms)"));
        assertEquals(Failure.TIMEOUT, timeout.failure());
        assertEquals(503, timeout.status());
        assertTrue(timeout.retryable());
        assertEquals(
                Failure.UNAVAILABLE,
                ApiError.of(new ReplyException(ReplyFailure.NO_HANDLERS, "none"))
                        .failure());
    }

    @Test
    void anythingElseIsAnInternalErrorNeverARetry() {
        assertEquals(
                Failure.INTERNAL, ApiError.of(new IllegalStateException("bug")).failure());
        assertEquals(
                Failure.INTERNAL,
                ApiError.of(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 12345, "?"))
                        .failure());
        assertFalse(ApiError.of(new IllegalStateException("bug")).retryable());
    }

    @Test
    void aFailureMayNameAnotherField() {
        assertEquals("path", new FailureException(Failure.INVALID, "path", "m").field());
        assertEquals("transactionId", Failure.IN_PROGRESS.exception("m").field());
    }
}
