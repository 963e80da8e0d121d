package dev.fraudscore.node.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The decision log's record format: {@code [int length][int crc32c][payload]}, the payload an audit row as
 * {@code [short fields]} then per field {@code [int bytes (-1: null)][UTF-8]}. The checksum tells a record torn by a
 * crash mid-write from a whole one.
 */
final class LogRecords {
    static final int HEADER = 8;

    private LogRecords() {}

    static byte[] payload(String[] row) {
        byte[][] fields = new byte[row.length][];
        int size = 2;
        for (int i = 0; i < row.length; i++) {
            fields[i] = row[i] == null ? null : row[i].getBytes(StandardCharsets.UTF_8);
            size += 4 + (fields[i] == null ? 0 : fields[i].length);
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putShort((short) row.length);
        for (byte[] f : fields) {
            if (f == null) {
                b.putInt(-1);
            } else {
                b.putInt(f.length).put(f);
            }
        }
        return b.array();
    }

    /** Appends one record (header and payload) to {@code out}. */
    static void write(ByteBuffer out, byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        out.putInt(payload.length).putInt((int) crc.getValue()).put(payload);
    }

    static int size(byte[] payload) {
        return HEADER + payload.length;
    }

    /** The row in {@code payload}; null when the checksum does not match. */
    static String[] read(byte[] payload, int crc) {
        CRC32C c = new CRC32C();
        c.update(payload);
        if ((int) c.getValue() != crc) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        String[] row = new String[b.getShort()];
        for (int i = 0; i < row.length; i++) {
            int n = b.getInt();
            if (n >= 0) {
                row[i] = new String(payload, b.position(), n, StandardCharsets.UTF_8);
                b.position(b.position() + n);
            }
        }
        return row;
    }
}
