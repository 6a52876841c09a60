"""Flask extensions, created once and bound to the app in create_app()."""
from flask_babel import Babel
from flask_login import LoginManager
from flask_mail import Mail
from flask_wtf.csrf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
mail = Mail()
