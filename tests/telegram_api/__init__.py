"""The Bot API's published description (api.json) and the checks both fake Bot APIs make."""
