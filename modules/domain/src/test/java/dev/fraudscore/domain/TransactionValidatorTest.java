package dev.fraudscore.domain;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TransactionValidatorTest {
    private final TransactionValidator validator =
            new TransactionValidator(Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC));

    static Map<String, Object> valid() {
        Map<String, Object> m = new HashMap<>();
        m.put("transactionId", "tx-1");
        m.put("cardId", "card_tok_abc");
        m.put("terminalId", "term-42");
        m.put("amount", 12.5);
        m.put("currency", "EUR");
        m.put("timestamp", "2026-11-21T10:15:30+01:00");
        return m;
    }

    private ValidationException reject(Map<String, Object> in) {
        return assertThrows(ValidationException.class, () -> validator.parse(in));
    }

    @Test
    void validRequestParsesEveryField() {
        Map<String, Object> in = valid();
        in.put("customerId", "cust-9");
        in.put("deviceId", "dev-1");
        in.put("ipAddress", "2001:db8::1");
        in.put("mcc", "5411");
        in.put("country", "FR");
        in.put("channel", "ecom");
        Transaction tx = validator.parse(in);
        assertEquals("tx-1", tx.transactionId());
        assertEquals(new BigDecimal("12.5"), tx.amount());
        assertEquals(Channel.ECOM, tx.channel());
        assertEquals(Instant.parse("2026-11-21T09:15:30Z"), tx.timestamp().toInstant());
        assertEquals(ZoneOffset.ofHours(1), tx.timestamp().getOffset());
    }

    @Test
    void zeroAmountIsACardVerification() {
        Map<String, Object> in = valid();
        in.put("amount", 0);
        assertEquals(0, validator.parse(in).amount().signum());
    }

    @Test
    void wholeAmountKeepsZeroScale() {
        Map<String, Object> in = valid();
        in.put("amount", 1000);
        assertEquals("1000", validator.parse(in).amount().toPlainString());
    }

    @ParameterizedTest
    @CsvSource({
        "transactionId, required",
        "cardId, required",
        "terminalId, required",
        "amount, required",
        "currency, required",
        "timestamp, required"
    })
    void missingRequiredFieldIsNamed(String field, String rule) {
        Map<String, Object> in = valid();
        in.remove(field);
        ValidationException e = reject(in);
        assertEquals(field, e.field());
        assertEquals(rule, e.rule());
    }

    @Test
    void amountAsStringIsWronglyTyped() {
        Map<String, Object> in = valid();
        in.put("amount", "12.50");
        ValidationException e = reject(in);
        assertEquals("amount", e.field());
        assertEquals("type_number", e.rule());
    }

    @Test
    void idAsNumberIsWronglyTyped() {
        Map<String, Object> in = valid();
        in.put("transactionId", 17);
        assertEquals("type_string", reject(in).rule());
    }

    @ParameterizedTest
    @CsvSource({"-0.01, non_negative", "-5, non_negative", "1000000000.01, max", "12.345, scale"})
    void badAmountsAreRejected(String amount, String rule) {
        Map<String, Object> in = valid();
        in.put("amount", new BigDecimal(amount));
        ValidationException e = reject(in);
        assertEquals("amount", e.field());
        assertEquals(rule, e.rule());
    }

    @Test
    void yenHasNoMinorUnits() {
        Map<String, Object> in = valid();
        in.put("currency", "JPY");
        in.put("amount", 100.5);
        assertEquals("scale", reject(in).rule());
    }

    @ParameterizedTest
    @CsvSource({"eur", "EURO", "E1R", "XYZ"})
    void badCurrencyIsRejected(String currency) {
        Map<String, Object> in = valid();
        in.put("currency", currency);
        ValidationException e = reject(in);
        assertEquals("currency", e.field());
        assertEquals("iso4217", e.rule());
    }

    @ParameterizedTest
    @CsvSource({"yesterday", "2026-11-21T10:15:30", "2026-13-01T00:00:00Z", "''"})
    void unparseableTimestampIsRejected(String ts) {
        Map<String, Object> in = valid();
        in.put("timestamp", ts);
        ValidationException e = reject(in);
        assertEquals("timestamp", e.field());
        assertEquals("iso8601", e.rule());
    }

    @Test
    void farFutureTimestampIsRejected() {
        Map<String, Object> in = valid();
        in.put("timestamp", "2026-11-23T12:00:00Z");
        assertEquals("not_in_future", reject(in).rule());
    }

    @ParameterizedTest
    @CsvSource({"4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "378282246310005"})
    void rawCardNumberIsRejected(String pan) {
        Map<String, Object> in = valid();
        in.put("cardId", pan.replace(' ', '-'));
        ValidationException e = reject(in);
        assertEquals("cardId", e.field());
        assertEquals("not_a_pan", e.rule());
    }

    @Test
    void digitTokenFailingLuhnIsAccepted() {
        Map<String, Object> in = valid();
        in.put("cardId", "4111111111111112");
        assertEquals("4111111111111112", validator.parse(in).cardId());
    }

    @ParameterizedTest
    @CsvSource({
        "ipAddress, 300.1.1.1, ip_literal",
        "ipAddress, example.com, ip_literal",
        "mcc, 54, four_digits",
        "country, XX, iso3166_alpha2",
        "country, fr, iso3166_alpha2",
        "channel, phone, one_of",
        "transactionId, has space, identifier"
    })
    void badOptionalFieldsAreRejected(String field, String value, String rule) {
        Map<String, Object> in = valid();
        in.put(field, value);
        ValidationException e = reject(in);
        assertEquals(field, e.field());
        assertEquals(rule, e.rule());
    }

    @Test
    void fingerprintChangesWithAnyFieldAndIgnoresAmountFormatting() {
        Transaction a = validator.parse(valid());
        Map<String, Object> same = valid();
        same.put("amount", 12.50);
        assertEquals(a.fingerprint(), validator.parse(same).fingerprint());
        Map<String, Object> other = valid();
        other.put("amount", 12.51);
        assertNotEquals(a.fingerprint(), validator.parse(other).fingerprint());
    }
}
