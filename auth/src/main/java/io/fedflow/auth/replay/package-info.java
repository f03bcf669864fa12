/** Remembering used nonces so that captured requests cannot be replayed. */
package io.fedflow.auth.replay;
