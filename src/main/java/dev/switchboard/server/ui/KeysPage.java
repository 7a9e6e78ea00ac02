package dev.switchboard.server.ui;

import dev.switchboard.accounting.CreditBook;
import dev.switchboard.accounting.Money;
import dev.switchboard.store.KeyRecord;

import java.util.List;

/** The admin's keys page: every inference key with its limits and usage, and the forms that change them. */
final class KeysPage {
    record KeyRow(String hash, String name, String label, boolean disabled, String limit, String limitInput,
                  String limitReset, String usage, String usageToday, String remaining, String rpm, String rpmInput,
                  String tpm, String tpmInput, String expires, String created) {
    }

    /** A key created just now: its secret is on this page and nowhere else, ever. */
    record Created(String name, String secret) {
        @Override
        public String toString() {
            return "Created[" + name + "]"; // never the secret
        }
    }

    record View(List<KeyRow> keys, Created created, String error) {
    }

    private KeysPage() {
    }

    static KeyRow row(KeyRecord k, CreditBook.Balance balance) {
        return new KeyRow(k.hash(), k.name(), k.label(), k.disabled(),
                k.limitPico() == null ? "no limit" : Formats.cost(Money.toUsd(k.limitPico())),
                k.limitPico() == null ? "" : Money.toUsd(k.limitPico()).stripTrailingZeros().toPlainString(),
                k.limitReset() == null ? "" : k.limitReset().slug(),
                Formats.cost(Money.toUsd(balance.usagePico())), Formats.cost(Money.toUsd(balance.dailyPico())),
                balance.remainingPico() == null ? "—" : Formats.cost(Money.toUsd(balance.remainingPico())),
                k.requestsPerMinute() == null ? "—" : Formats.count(k.requestsPerMinute()),
                k.requestsPerMinute() == null ? "" : Integer.toString(k.requestsPerMinute()),
                k.tokensPerMinute() == null ? "—" : Formats.count(k.tokensPerMinute()),
                k.tokensPerMinute() == null ? "" : Long.toString(k.tokensPerMinute()),
                Formats.dateTime(k.expiresAt()), Formats.dateTime(k.createdAt()));
    }
}
