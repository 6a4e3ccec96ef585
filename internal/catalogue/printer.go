package catalogue

import (
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// printer renders violation messages in English, as the library's own Error() does.
var printer = message.NewPrinter(language.English)
