package dev.switchboard.catalog;

/** One model served by one provider: the unit of routing, health and stats. */
public record EndpointId(ModelId model, ProviderId provider) {
    @Override
    public String toString() {
        return model + "@" + provider;
    }
}
