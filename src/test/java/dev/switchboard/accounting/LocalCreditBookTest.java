package dev.switchboard.accounting;

/** The in-memory credit book of a single node. */
class LocalCreditBookTest extends CreditBookContract {
    @Override
    protected CreditBook newBook() {
        return new LocalCreditBook();
    }
}
