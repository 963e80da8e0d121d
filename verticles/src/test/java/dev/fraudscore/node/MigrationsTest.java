package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class MigrationsTest {
    @Test
    void theJdbcUrlKeepsSslmodeAndTheOtherParameters() {
        Migrations.Jdbc j = Migrations.Jdbc.of(
                "postgresql://fraud_owner:s3cret@db.internal:6432/fraud?sslmode=verify-full&sslrootcert=/etc/ca.pem");
        assertEquals("jdbc:postgresql://db.internal:6432/fraud?sslmode=verify-full&sslrootcert=/etc/ca.pem", j.url());
        assertEquals("fraud_owner", j.user());
        assertEquals("s3cret", j.password());
        assertEquals(
                "jdbc:postgresql://h:5432/d",
                Migrations.Jdbc.of("postgresql://u@h/d").url());
    }
}
