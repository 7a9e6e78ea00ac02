package dev.switchboard.protocol.openai;

import dev.switchboard.protocol.ByteSink;

/**
 * How Switchboard signs every output of one generation: its {@code id}, the {@code model} that
 * served and the {@code provider}, encoded once as JSON member bytes and copied into each chunk.
 */
public final class OutputIdentity {
    final byte[] idValue;
    final byte[] modelValue;
    final byte[] providerValue;
    /** {@code "id":"gen-..."}, with and without a leading comma. */
    final byte[] idMember;
    final byte[] commaIdMember;
    /** {@code ,"model":"..."}, and without the comma for an object that has no other member. */
    final byte[] modelMember;
    final byte[] modelMemberFirst;
    /** {@code ,"provider":"..."}. */
    final byte[] providerMember;

    private OutputIdentity(String id, String model, String provider) {
        this.idValue = new ByteSink(48).jsonString(id).toByteArray();
        this.modelValue = new ByteSink(48).jsonString(model).toByteArray();
        this.providerValue = new ByteSink(32).jsonString(provider).toByteArray();
        this.idMember = new ByteSink(48).ascii("\"id\":").append(idValue).toByteArray();
        this.commaIdMember = new ByteSink(48).ascii(",\"id\":").append(idValue).toByteArray();
        this.modelMember = new ByteSink(48).ascii(",\"model\":").append(modelValue).toByteArray();
        this.modelMemberFirst = new ByteSink(48).ascii("\"model\":").append(modelValue).toByteArray();
        this.providerMember = new ByteSink(48).ascii(",\"provider\":").append(providerValue).toByteArray();
    }

    public static OutputIdentity of(String id, String model, String provider) {
        return new OutputIdentity(id, model, provider);
    }
}
