"""0006, after 0005 (2026-12-06): Hardening: who deactivated an account, invitations of
extra accounts, one-time form keys, a login's pending authenticator secret, upload quota and
SMS countries; e-mail addresses brought to their one normal form."""
from alembic import op
import sqlalchemy as sa
import app.models
from app.addresses import renormalise_stored

revision = "0006"
down_revision = "0005"


def upgrade():
    op.create_table('accountinvitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('created_at', app.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('accountinvitation') as batch:
        batch.create_index('ix_accountinvitation_company_id', ['company_id'], unique=False)
        batch.create_index('ix_accountinvitation_user_id', ['user_id'], unique=False)

    op.create_table('formkey',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('result', sa.String(length=500), nullable=False),
    sa.Column('created_at', app.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'key')
    )
    with op.batch_alter_table('firmsettings') as batch:
        batch.add_column(sa.Column('upload_mb_per_day', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('max_open_drafts', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('sms_countries', sa.String(length=300), nullable=True))

    with op.batch_alter_table('loginsession') as batch:
        batch.add_column(sa.Column('totp_pending_secret', sa.String(length=64), nullable=True))

    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('deactivated_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('name_by_client', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.create_foreign_key('fk_user_deactivated_by_id_user', 'user',
                                 ['deactivated_by_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('user') as batch:
        batch.alter_column('name_by_client', server_default=None)

    renormalise_stored(op.get_bind())


def downgrade():
    with op.batch_alter_table('user') as batch:
        batch.drop_constraint('fk_user_deactivated_by_id_user', type_='foreignkey')
        batch.drop_column('name_by_client')
        batch.drop_column('deactivated_by_id')

    with op.batch_alter_table('loginsession') as batch:
        batch.drop_column('totp_pending_secret')

    with op.batch_alter_table('firmsettings') as batch:
        batch.drop_column('sms_countries')
        batch.drop_column('max_open_drafts')
        batch.drop_column('upload_mb_per_day')

    op.drop_table('formkey')
    with op.batch_alter_table('accountinvitation') as batch:
        batch.drop_index('ix_accountinvitation_user_id')
        batch.drop_index('ix_accountinvitation_company_id')
    op.drop_table('accountinvitation')
