package io.fedflow.node.core;

/**
 * The PostgreSQL where model store and restore keep model archives, when it is not the node's own database.
 *
 * @param url its JDBC URL
 * @param user the user, or null for the driver's default
 * @param password the password, or null; never printed
 */
public record ModelStoreAddress(String url, String user, String password) {
    public ModelStoreAddress {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("the model store needs a JDBC URL");
        }
    }

    /** The address, the password masked: configs end up in logs. */
    @Override
    public String toString() {
        return "ModelStoreAddress[url=" + url + ", user=" + user + ", password="
                + (password == null ? "null" : "<set>") + "]";
    }
}
