/**
 * FATE-Flow's hooks ({@code signature}, {@code site_authentication}, {@code client_authentication},
 * {@code permission}) with their parameter and return objects, the built-in implementations, and clients
 * of a registered remote hook service that replaces one.
 */
package io.fedflow.auth.hook;
