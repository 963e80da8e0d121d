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
        assertFalse(Luhn.looksLikePan("tok_4111111111111111")); // a token, not a bare number
    }
}
