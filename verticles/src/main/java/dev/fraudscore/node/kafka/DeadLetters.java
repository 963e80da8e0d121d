package dev.fraudscore.node.kafka;

import dev.fraudscore.domain.Luhn;
import dev.fraudscore.node.failure.ApiError;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.List;

/**
 * The one place a failed record becomes a dead-letter record: the original value with the error's rule,
 * field and message and where the record came from; rule and field also as headers, so a DLQ consumer can
 * route without parsing the value. Card numbers in the value, the key or the message are redacted first (a record
 * refused as {@code not_a_pan} carries one).
 */
final class DeadLetters {
    private DeadLetters() {}

    static KafkaProducerRecord<String, String> of(
            String topic, KafkaConsumerRecord<String, String> record, ApiError error) {
        JsonObject value = new JsonObject()
                .put("error", Luhn.redactPans(error.message()))
                .put("rule", error.rule())
                .put("field", error.field())
                .put("topic", record.topic())
                .put("partition", record.partition())
                .put("offset", record.offset())
                .put("record", Luhn.redactPans(record.value()));
        KafkaProducerRecord<String, String> dlq =
                KafkaProducerRecord.create(topic, Luhn.redactPans(record.key()), value.encode());
        dlq.addHeaders(List.of(
                KafkaHeader.header("fraud.error.rule", error.rule()),
                KafkaHeader.header("fraud.error.field", error.field() == null ? "" : error.field())));
        return dlq;
    }
}
