package dev.fraudscore.model;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Reads the Fraud Detection Handbook's transactions (plain or gzipped CSV). TX_DATETIME carries no
 * zone; it is read as UTC, which keeps the book's hour-of-day and weekday. Amounts are rounded to cents:
 * the published file carries floating-point artifacts on multiplied amounts (160.79999999999998 for 5 x 32.16).
 */
public final class HandbookCsv {
    private HandbookCsv() {}

    /** One handbook transaction. */
    public record Row(
            String transactionId,
            OffsetDateTime timestamp,
            String customerId,
            String terminalId,
            double amount,
            int fraud,
            int scenario) {}

    public static void forEach(Path file, Consumer<Row> consumer) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
                BufferedReader reader =
                        new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII), 1 << 16)) {
            String header = reader.readLine();
            if (header == null || !header.startsWith("TRANSACTION_ID,TX_DATETIME,CUSTOMER_ID,TERMINAL_ID,TX_AMOUNT")) {
                throw new IOException(file + " is not in the handbook's format (header: " + header + ")");
            }
            String line;
            int lineNo = 1;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                String[] f = line.split(",", -1);
                if (f.length < 9) {
                    throw new IOException(file + ":" + lineNo + " has " + f.length + " columns, expected 9");
                }
                consumer.accept(new Row(
                        f[0],
                        LocalDateTime.parse(f[1]).atOffset(ZoneOffset.UTC),
                        f[2],
                        f[3],
                        Math.round(Double.parseDouble(f[4]) * 100) / 100.0,
                        Integer.parseInt(f[7]),
                        Integer.parseInt(f[8])));
            }
        }
    }
}
