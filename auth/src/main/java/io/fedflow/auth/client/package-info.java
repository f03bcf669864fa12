/** FATE-Flow's client authentication: HMAC-SHA1 signed requests with an APP_KEY and its secret. */
package io.fedflow.auth.client;
