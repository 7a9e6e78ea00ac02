package dev.switchboard.routing;

import dev.switchboard.catalog.Endpoint;

import java.util.List;

/** The endpoints to try, in order, and the ones left out with the reason for each. */
public record RoutePlan(List<Endpoint> endpoints, List<Rejection> rejections) {
    public boolean isEmpty() {
        return endpoints.isEmpty();
    }
}
