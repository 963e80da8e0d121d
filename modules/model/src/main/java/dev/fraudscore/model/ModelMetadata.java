package dev.fraudscore.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What sits next to a model file: the feature order the model expects, its version, the default
 * thresholds, the checksum of the model file, and how it was trained and how it scored.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelMetadata(
        String version,
        String modelFile,
        String modelSha256,
        List<String> features,
        double reviewThreshold,
        double declineThreshold,
        String trainedAt,
        Map<String, Object> training,
        Map<String, Object> params,
        Map<String, Double> metrics,
        Map<String, Object> reference) {

    /** The training set's distributions (drift alarms), or null for a model written before they were kept. */
    public DriftReference driftReference() {
        return DriftReference.fromMap(reference);
    }

    /** The same metadata with a drift reference. */
    public ModelMetadata withReference(DriftReference r) {
        return new ModelMetadata(
                version,
                modelFile,
                modelSha256,
                features,
                reviewThreshold,
                declineThreshold,
                trainedAt,
                training,
                params,
                metrics,
                r.toMap());
    }

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static ModelMetadata read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), ModelMetadata.class);
    }

    public void write(Path file) throws IOException {
        JSON.writeValue(file.toFile(), this);
    }
}
