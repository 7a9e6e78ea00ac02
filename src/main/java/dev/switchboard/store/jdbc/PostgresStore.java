package dev.switchboard.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.switchboard.store.GenerationRecord;
import dev.switchboard.store.StoreException;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * Shared PostgreSQL: the ledger is partitioned by day; partitions are created ahead and old ones
 * dropped whole, so retention never deletes row by row from the live table.
 */
final class PostgresStore extends JdbcStore {
    private static final DateTimeFormatter PARTITION_DAY = DateTimeFormatter.BASIC_ISO_DATE;
    private static final String CHECK_VIOLATION = "23514";

    PostgresStore(HikariDataSource dataSource) {
        super(dataSource);
    }

    @Override
    public String kind() {
        return "postgresql";
    }

    @Override
    public Optional<GenerationRecord> generation(String id) {
        // the id carries its creation second (gen-<epoch seconds>-...): look in that day's partition only
        // (a day either side: the row's day comes from its start time, which may cross midnight)
        Long day = dayOf(id);
        if (day == null) {
            return super.generation(id);
        }
        return query("reading a generation", "SELECT " + GENERATION_COLUMNS
                + " FROM generations WHERE id = ? AND day BETWEEN ? AND ?", s -> {
            s.setString(1, id);
            s.setLong(2, day - 1);
            s.setLong(3, day + 1);
        }, JdbcStore::generation).stream().findFirst();
    }

    @Override
    public void prepareDays(long fromDay, long toDay) {
        for (long day = fromDay; day <= toDay; day++) {
            String name = partitionName(day);
            try {
                update("creating ledger partition " + name, "CREATE TABLE IF NOT EXISTS " + name
                        + " PARTITION OF generations FOR VALUES FROM (" + day + ") TO (" + (day + 1) + ")", s -> {
                });
            } catch (StoreException e) {
                // rows of that day already sit in the default partition (written before its partition existed),
                // so PostgreSQL refuses it: the day stays in the default partition, where retention deletes it,
                // and the other days (and the retention that runs after this) must not be held up by it
                if (!(e.getCause() instanceof SQLException sql) || !CHECK_VIOLATION.equals(sql.getSQLState())) {
                    throw e;
                }
            }
        }
    }

    @Override
    public long deleteGenerationsBefore(long day) {
        List<String> old = query("listing ledger partitions", "SELECT c.relname FROM pg_inherits i "
                + "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
                + "JOIN pg_namespace n ON n.oid = p.relnamespace "
                + "WHERE p.relname = 'generations' AND n.nspname = current_schema()", s -> {
        }, (ResultSet r) -> r.getString(1));
        for (String partition : old) {
            Long partitionDay = partitionDay(partition);
            if (partitionDay != null && partitionDay < day) {
                update("dropping ledger partition " + partition, "DROP TABLE IF EXISTS " + partition, s -> {
                });
            }
        }
        // rows that landed in the default partition (no partition existed for their day yet)
        deleteInChunks("generations_default", "DELETE FROM generations_default WHERE ctid IN "
                + "(SELECT ctid FROM generations_default WHERE day < ? LIMIT " + RETENTION_CHUNK + ")", day);
        return -1;
    }

    static String partitionName(long day) {
        return "generations_" + LocalDate.ofEpochDay(day).format(PARTITION_DAY);
    }

    static Long partitionDay(String name) {
        if (!name.matches("generations_\\d{8}")) {
            return null;
        }
        return LocalDate.parse(name.substring("generations_".length()), PARTITION_DAY).toEpochDay();
    }

    static Long dayOf(String generationId) {
        String[] parts = generationId.split("-");
        if (parts.length < 3 || !parts[0].equals("gen")) {
            return null;
        }
        try {
            return Math.floorDiv(Long.parseLong(parts[1]), 86_400L);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
