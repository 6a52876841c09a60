"""${up_revision}, after ${down_revision | comma,n} (${create_date.date()}): ${message}."""
from alembic import op
import sqlalchemy as sa
import app.models
${imports if imports else ""}
revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}


def upgrade():
    ${upgrades if upgrades else "pass"}


def downgrade():
    ${downgrades if downgrades else "pass"}
