/**
 * FATE's third-party service registration (servers and their services, in PostgreSQL) and the hooks in
 * force that it decides: a registered signature, site_authentication, client_authentication or permission
 * service replaces the built-in hook.
 */
package io.fedflow.node.hook;
