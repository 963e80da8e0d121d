package dev.fraudscore.node.http;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** Routes another part of the node adds to the public server's router (each HTTP verticle's, from its start). */
public interface RouteMount {
    void mount(Vertx vertx, Router router);
}
