package dev.fraudscore.domain;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class LuhnTest {
    @Test
    void knownTestNumbersPass() {
        assertTrue(Luhn.isValid("4111111111111111"));
        assertTrue(Luhn.isValid("5555555555554444"));
        assertTrue(Luhn.isValid("79927398713"));
    }

    @Test
    void alteredNumbersFail() {
        assertFalse(Luhn.isValid("4111111111111112"));
        assertFalse(Luhn.isValid("79927398710"));
        assertFalse(Luhn.isValid(""));
        assertFalse(Luhn.isValid("4111a11111111111"));
    }

    @Test
    void panNeedsThirteenToNineteenDigits() {
        assertFalse(Luhn.looksLikePan("79927398713")); // 11 digits, Luhn-valid
        assertTrue(Luhn.looksLikePan("4222222222222")); // 13 digits
    }

    @Test
    void aPanIsFoundWhateverSeparatesItsDigitsAndInsideAnIdentifier() {
        for (String pan : new String[] {
            "4111111111111111",
            "4111 1111 1111 1111",
            "4111.1111.1111.1111",
            "4111-1111-1111-1111",
            "4111/1111/1111/1111",
            "4111_1111_1111_1111",
            "3782-822463-10005",
            "tok_4111111111111111",
            "card:4111.1111.1111.1111",
            "5555555555554444x"
        }) {
            assertTrue(Luhn.looksLikePan(pan), pan);
        }
    }

    @Test
    void identifiersThatAreNotCardNumbersPass() {
        for (String id : new String[] {
            "tok_abc123",
            "4111111111111112", // fails Luhn
            "1764000000007", // a 13-digit epoch-millisecond id, whatever its check digit
            "123e4567-e89b-12d3-a456-426614174000",
            "40000000-0000-0000-0000-000000000002", // UUID groups are not card groups
            "card_0001",
            "2026-11-24T10:00:00Z"
        }) {
            assertFalse(Luhn.looksLikePan(id), id);
        }
    }

    @Test
    void redactionReplacesEveryCardNumberAndKeepsTheRest() {
        assertEquals(
                "{\"cardId\":\"[PAN REDACTED]\",\"note\":\"x [PAN REDACTED] y\"}",
                Luhn.redactPans("{\"cardId\":\"4111.1111.1111.1111\",\"note\":\"x 5555555555554444 y\"}"));
        assertEquals("no numbers here", Luhn.redactPans("no numbers here"));
    }
}
