// The PNG file signature, shared by the webview that rasterises a figure and the protocol that
// checks what it sends; in a module of its own so that the webview bundle carries no validator.

/** The PNG file signature (89 50 4E 47 0D 0A 1A 0A) in base64. */
export const PNG_BASE64_SIGNATURE = "iVBORw0KGgo";
